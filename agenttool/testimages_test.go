package agenttool_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/png"
)

// pngChunk is one PNG chunk: length, type, data, CRC of type and data.
func pngChunk(kind string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, kind...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// sizedPNG is a whole 1×1 PNG, as png.Encode writes it, with the chunks
// after its IHDR and a private ancillary chunk before its IEND that pads
// it to n bytes (0: no padding). The toolkit returns only images that run
// to their end, so budget tests need whole ones of chosen sizes.
func sizedPNG(n int, after ...[]byte) []byte {
	var enc bytes.Buffer
	if err := png.Encode(&enc, image.NewGray(image.Rect(0, 0, 1, 1))); err != nil {
		panic(err)
	}
	const headEnd = 8 + 25 // the signature and IHDR
	b := append([]byte(nil), enc.Bytes()[:headEnd]...)
	b = append(b, bytes.Join(after, nil)...)
	b = append(b, enc.Bytes()[headEnd:]...)
	if n == 0 {
		return b
	}
	pad := n - len(b) - 12
	if pad < 0 {
		panic(fmt.Sprintf("a PNG of %d bytes is too small: the smallest is %d", n, len(b)+12))
	}
	iend := b[len(b)-12:]
	b = append(b[:len(b)-12:len(b)-12], pngChunk("zzPd", make([]byte, pad))...)
	return append(b, iend...)
}

// wholeGIF is a whole 1×1 GIF, as gif.Encode writes it.
func wholeGIF() []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, image.NewPaletted(image.Rect(0, 0, 1, 1), color.Palette{color.Black}), nil); err != nil {
		panic(err)
	}
	return b.Bytes()
}
