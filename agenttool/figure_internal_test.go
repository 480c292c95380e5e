package agenttool

import (
	"encoding/binary"
	"hash/crc32"
	"testing"

	"github.com/stretchr/testify/require"
)

// pngChunk is one PNG chunk: length, type, body, CRC.
func pngChunk(kind, body string) string {
	var b []byte
	b = binary.BigEndian.AppendUint32(b, uint32(len(body)))
	b = append(b, kind+body...)
	b = binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE([]byte(kind+body)))
	return string(b)
}

// A PNG Matplotlib wrote is told by its Software text before the image
// data; anything else, including a cut or lying chunk length, is not one,
// and reading it never goes past the data.
func TestMatplotlibPNG(t *testing.T) {
	const sig = "\x89PNG\r\n\x1a\n"
	ihdr := pngChunk("IHDR", "0123456789abc")
	soft := pngChunk("tEXt", "Software\x00Matplotlib version3.6.3, https://matplotlib.org/")
	idat := pngChunk("IDAT", "xx")
	for _, tc := range []struct {
		name, data string
		want       bool
	}{
		{"savefig", sig + ihdr + soft + idat, true},
		{"other software", sig + ihdr + pngChunk("tEXt", "Software\x00Pillow") + idat, false},
		{"no text", sig + ihdr + idat, false},
		{"text after the image data", sig + ihdr + idat + soft, false},
		{"not a PNG", "GIF89a" + soft, false},
		{"empty", "", false},
		{"cut in a chunk", sig + ihdr + soft[:20], false},
		{"length past the end", sig + "\xff\xff\xff\xfftEXtSoftware\x00Matplotlib", false},
		{"cut header", sig + "\x00\x00", false},
	} {
		require.Equal(t, tc.want, matplotlibPNG([]byte(tc.data)), tc.name)
	}
}
