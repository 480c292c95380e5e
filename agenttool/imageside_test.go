package agenttool_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/testenv"
)

func pngOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))))
	return b.Bytes()
}

// Model APIs refuse an image over 8000 pixels a side (Anthropic answers
// the whole request 400, so every later turn of the conversation fails
// too). Such an image is not
// returned, wherever it comes from: a file the run wrote, download_file,
// the run's own figure; the model is told why and what to do.
func TestEmulatorImagesOverTheSideLimitAreNotReturned(t *testing.T) {
	kit := newEmulatorKit(t, &emulator.Options{Python: testenv.Python(t, "apt-get install python3-pil", "PIL")}, nil)
	s := kit.Session("wide")
	wide := base64.StdEncoding.EncodeToString(pngOf(t, 8001, 2))
	fine := base64.StdEncoding.EncodeToString(pngOf(t, 8000, 2))
	code := "import base64\nfor n, d in [('wide', '" + wide + "'), ('fine', '" + fine + "')]:\n    open('/mnt/data/%s.png' % n, 'wb').write(base64.b64decode(d))"
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": code})
	require.False(t, r.IsError, r.Text)
	require.Equal(t, []string{"/mnt/data/fine.png"}, imageNames(r.Images), r.Text)
	require.Contains(t, r.Text, "note: Not shown: 1 image the run wrote (over 8000 pixels wide or high, which model APIs refuse; save it smaller, with a lower dpi).\n")
	require.NotContains(t, r.Text, "download_file returns", "download_file does not return it either")

	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "wide.png"})
	require.False(t, r.IsError, r.Text)
	require.Empty(t, r.Images)
	require.Contains(t, r.Text, "/mnt/data/wide.png: an image (image/png, ")
	require.Contains(t, r.Text, "8001 × 2 pixels), not returned: model APIs refuse images over 8000 pixels wide or high. Make a smaller one with code (a lower dpi).")

	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "from PIL import Image\nImage.new('L', (8001, 2))"})
	require.False(t, r.IsError, r.Text)
	require.Empty(t, r.Images, r.Text)
	require.Contains(t, r.Text, "(an image that is not returned: it is 8001 × 2 pixels, over 8000 pixels wide or high, which model APIs refuse; make it smaller)")
}
