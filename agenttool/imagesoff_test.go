package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// With images turned off (MaxImages negative), download_file of a small
// image says that images are off, not that the image is too large: told to
// "make a smaller one", a model shrinks its chart again and again.
func TestFakeDownloadWithImagesOff(t *testing.T) {
	kit, pool := newFakeKit(t, &agenttool.Options{MaxImages: -1}, nil)
	s := kit.Session("c")
	pool.put(s.Identifier(), "img.gif", []byte("GIF89a......"))
	r := call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "img.gif"})
	require.False(t, r.IsError, r.Text)
	require.Empty(t, r.Images)
	require.Equal(t, "status: succeeded\n/mnt/data/img.gif: an image (image/gif, 12 bytes), not returned: images are turned off here. Inspect it with code in the sandbox if you need to know more.\n", r.Text)
}

// With images turned off, the images a run writes are not shown because
// images are off, which download_file does not change: the note says so,
// not that a result carries at most 0 images, and does not send the model
// to download_file for them.
func TestFakeRunImagesWithImagesOff(t *testing.T) {
	kit, pool := newFakeKit(t, &agenttool.Options{MaxImages: -1}, nil)
	pool.exec = func(id string, req azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
		pool.put(id, "a.png", sizedPNG(0))
		return succeeded("", "", ""), 0, ""
	}
	r := call(t, kit.Session("c"), agenttool.ToolRunPython, map[string]any{"code": "plot()"})
	require.False(t, r.IsError, r.Text)
	require.Empty(t, r.Images)
	require.Contains(t, r.Text, "note: Not shown: 1 image the run wrote (images are turned off here).\n")
	require.NotContains(t, r.Text, "download_file")
}
