package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/testenv"
)

// Model APIs decode every image a request holds and refuse the whole
// request for one they cannot (Anthropic and OpenAI answer 400), and every
// later turn of the conversation still holds it. An image file cut short,
// or one whose bytes start like an image and stop there, is not sent:
// the run's note, download_file and the run's own figure say why.
func TestFakeDamagedImagesAreDescribed(t *testing.T) {
	whole := sizedPNG(200)
	kit, pool := newFakeKit(t, nil, nil)
	pool.exec = func(id string, req azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
		pool.put(id, "whole.png", whole)
		pool.put(id, "cut.png", whole[:150])            // the header reads, the data stops
		pool.put(id, "signature.png", whole[:8])        // no header to read
		pool.put(id, "cut.gif", wholeGIF()[:20])        // no trailer
		pool.put(id, "not-a-png.png", []byte("a text")) // not an image at all: just a file
		return succeeded("", "", ""), 0, ""
	}
	s := kit.Session("c")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "draw()"})
	require.False(t, r.IsError, r.Text)
	require.Equal(t, []string{"/mnt/data/whole.png"}, imageNames(r.Images), r.Text)
	require.Equal(t, []string{
		"Not shown: 3 images the run wrote (data cut short or damaged, which model APIs refuse; check with code how it was written).",
	}, r.Structured.(*agenttool.RunOutput).Notes, "download_file does not return them either")

	for _, name := range []string{"cut.png", "signature.png", "cut.gif"} {
		r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": name})
		require.False(t, r.IsError, r.Text)
		require.Empty(t, r.Images, name)
		require.Contains(t, r.Text, "/mnt/data/"+name+": starts like an image (image/", name)
		require.Contains(t, r.Text, "not returned: its data is cut short or damaged, and model APIs refuse an image they cannot decode.", name)
	}

	pool.exec = func(id string, req azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
		e := succeeded("", "", "")
		e.Result.Value = nil
		e.Result.Image = &azsessions.Image{Format: "png", Data: whole[:100]}
		return e, 0, ""
	}
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "plot()"})
	require.False(t, r.IsError, r.Text)
	require.Empty(t, r.Images, r.Text)
	require.Contains(t, r.Text, "(an image that is not returned: data cut short or damaged, which model APIs refuse)")
}

// Through the emulator: the images Pillow writes in each format a model is
// shown go out whole, and copies cut short do not.
func TestEmulatorDamagedImagesAreDescribed(t *testing.T) {
	kit := newEmulatorKit(t, &emulator.Options{Python: testenv.Python(t, "apt-get install python3-pil", "PIL")}, nil)
	s := kit.Session("cut")
	code := "from PIL import Image\n" +
		"im = Image.new('RGB', (60, 40), (200, 30, 90))\n" +
		"for ext in ['png', 'jpeg', 'gif', 'webp']:\n" +
		"    im.save('/mnt/data/whole.' + ext)\n" +
		"    data = open('/mnt/data/whole.' + ext, 'rb').read()\n" +
		"    open('/mnt/data/cut.' + ext, 'wb').write(data[:len(data) * 2 // 3])"
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": code})
	require.False(t, r.IsError, r.Text)
	require.ElementsMatch(t, []string{"/mnt/data/whole.png", "/mnt/data/whole.jpeg", "/mnt/data/whole.gif", "/mnt/data/whole.webp"}, imageNames(r.Images), r.Text)
	require.Contains(t, r.Text, "note: Not shown: 4 images the run wrote (data cut short or damaged, which model APIs refuse; check with code how it was written).\n")

	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "cut.jpeg"})
	require.False(t, r.IsError, r.Text)
	require.Empty(t, r.Images)
	require.Contains(t, r.Text, "/mnt/data/cut.jpeg: starts like an image (image/jpeg, ")
}
