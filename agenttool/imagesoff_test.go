package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

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
