package agenttool

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	_ "image/gif"  // for image.DecodeConfig
	_ "image/jpeg" // for image.DecodeConfig
	_ "image/png"  // for image.DecodeConfig
)

// errImageSide is an image wider or higher than the limit, in pixels.
type errImageSide int

func (e errImageSide) Error() string {
	return fmt.Sprintf("over %d pixels wide or high, which model APIs refuse", int(e))
}

// errImageDamaged is an image whose size cannot be read from its header,
// or whose data stops before its format's end: model APIs cannot decode
// it, and refuse the request that holds it.
type errImageDamaged struct{}

func (errImageDamaged) Error() string {
	return "data cut short or damaged, which model APIs refuse"
}

// imageAdvice is what a note tells the model to do about an image err
// (from checkImage) keeps out.
func imageAdvice(err error) string {
	if _, ok := err.(errImageDamaged); ok {
		return "check with code how it was written"
	}
	return "save it smaller, with a lower dpi"
}

// checkImage reads the size of an image of type mime (one sniffImage
// gave) from its header, and refuses one that model APIs would refuse:
// Anthropic answers a request holding such an image with 400, and every
// later request of the conversation, which still holds it, too. That is
// an image with a side over the limit, and one whose bytes start like an
// image but whose size cannot be read or whose data is cut short
// (errImageDamaged; w and h are 0 when the size cannot be read).
func (set settings) checkImage(data []byte, mime string) (w, h int, err error) {
	if mime == "image/webp" {
		w, h = webpSize(data)
	} else if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		w, h = cfg.Width, cfg.Height
	}
	if w <= 0 || h <= 0 || !imageComplete(data, mime) {
		return w, h, errImageDamaged{}
	}
	if set.maxImageSide > 0 && max(w, h) > set.maxImageSide {
		return w, h, errImageSide(set.maxImageSide)
	}
	return w, h, nil
}

// webpSize reads a WebP image's size from its first chunk (lossy VP8,
// lossless VP8L or extended VP8X); 0, 0 when it cannot.
func webpSize(d []byte) (w, h int) {
	if len(d) < 30 || string(d[:4]) != "RIFF" || string(d[8:12]) != "WEBP" {
		return 0, 0
	}
	switch string(d[12:16]) {
	case "VP8 ": // a 3-byte frame tag, the start code, 14-bit sides
		if d[23] == 0x9d && d[24] == 0x01 && d[25] == 0x2a {
			return int(binary.LittleEndian.Uint16(d[26:]) & 0x3fff), int(binary.LittleEndian.Uint16(d[28:]) & 0x3fff)
		}
	case "VP8L": // a signature byte, then 14 bits each of width-1, height-1
		if d[20] == 0x2f {
			b := binary.LittleEndian.Uint32(d[21:])
			return int(b&0x3fff) + 1, int(b>>14&0x3fff) + 1
		}
	case "VP8X": // 4 bytes of flags, then 24 bits each of width-1, height-1
		return int(d[24]) | int(d[25])<<8 | int(d[26])<<16 + 1, int(d[27]) | int(d[28])<<8 | int(d[29])<<16 + 1
	}
	return 0, 0
}
