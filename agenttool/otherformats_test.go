package agenttool_test

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// otherFormats are small images in formats model APIs do not take (they
// take PNG, JPEG, GIF and WebP only), by the name a run gives them, with
// the format download_file names.
func otherFormats() []struct {
	name, format string
	data         []byte
} {
	bmp := []byte("BM")
	bmp = binary.LittleEndian.AppendUint32(bmp, 58)                 // file size
	bmp = append(bmp, 0, 0, 0, 0)                                   // reserved
	bmp = binary.LittleEndian.AppendUint32(bmp, 54)                 // pixel data offset
	bmp = binary.LittleEndian.AppendUint32(bmp, 40)                 // BITMAPINFOHEADER
	bmp = binary.LittleEndian.AppendUint32(bmp, 1)                  // width
	bmp = binary.LittleEndian.AppendUint32(bmp, 1)                  // height
	bmp = binary.LittleEndian.AppendUint16(bmp, 1)                  // planes
	bmp = binary.LittleEndian.AppendUint16(bmp, 24)                 // bits per pixel
	bmp = append(bmp, make([]byte, 24)...)                          // no compression, sizes, palette
	bmp = append(bmp, 0xff, 0, 0, 0)                                // one blue pixel, padded
	tiff := append([]byte("II*\x00"), 8, 0, 0, 0, 0, 0, 0, 0, 0, 0) // an empty first IFD
	ico := []byte{0, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 32, 0}
	ico = binary.LittleEndian.AppendUint32(ico, 4)
	ico = binary.LittleEndian.AppendUint32(ico, 22)
	ico = append(ico, 0, 0, 0, 0)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>`)
	return []struct {
		name, format string
		data         []byte
	}{
		{"pic.bmp", "BMP", bmp},
		{"pic.tif", "TIFF", tiff},
		{"pic.tiff", "TIFF", bytes.Clone(tiff)},
		{"pic.ico", "ICO", ico},
		{"pic.svg", "SVG", svg},
	}
}

// download_file returns an image in a format model APIs do not take as
// data, never as image content, and says what it is and how to see it.
func TestFakeDownloadOtherImageFormats(t *testing.T) {
	kit, pool := newFakeKit(t, nil, nil)
	s := kit.Session("c")
	for _, f := range otherFormats() {
		pool.put(s.Identifier(), f.name, f.data)
		r := call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": f.name})
		require.False(t, r.IsError, r.Text)
		require.Empty(t, r.Images, f.name)
		require.Contains(t, r.Text, "/mnt/data/"+f.name+": an image in "+f.format+" format", f.name)
		require.Contains(t, r.Text, "; model APIs do not take it as an image: convert it to PNG with code to see it.\n", f.name)
	}
}

// A run that writes images in formats model APIs do not take returns none
// of them as image content, and a note says why they are not shown.
func TestFakeRunWritesOtherImageFormats(t *testing.T) {
	kit, pool := newFakeKit(t, nil, nil)
	pool.exec = func(id string, req azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
		for _, f := range otherFormats() {
			pool.put(id, f.name, f.data)
		}
		pool.put(id, "real.png", sizedPNG(0))
		return succeeded("", "", ""), 0, ""
	}
	r := call(t, kit.Session("c"), agenttool.ToolRunPython, map[string]any{"code": "draw()"})
	require.False(t, r.IsError, r.Text)
	require.Len(t, r.Images, 1)
	require.Equal(t, "/mnt/data/real.png", r.Images[0].Name)
	require.Contains(t, r.Text, "note: Not shown: 5 images the run wrote (formats model APIs do not take as images: BMP, TIFF, ICO or SVG; save them as PNG to see them).\n")
	require.NotContains(t, r.Text, "download_file returns an image")
}
