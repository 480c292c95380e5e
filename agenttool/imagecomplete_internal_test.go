package agenttool

import (
	"bytes"
	"encoding/hex"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

// Whole images as Go's encoders write them, and lossless and lossy WebP
// images Pillow wrote (2 × 2 pixels), run to their end; every shorter
// prefix of them does not.
func TestImageComplete(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range src.Pix {
		src.Pix[i] = byte(i * 7)
	}
	var p, j, g bytes.Buffer
	if err := png.Encode(&p, src); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&j, src, nil); err != nil {
		t.Fatal(err)
	}
	frame := image.NewPaletted(image.Rect(0, 0, 4, 4), color.Palette{color.Black, color.White})
	if err := gif.EncodeAll(&g, &gif.GIF{Image: []*image.Paletted{frame, frame}, Delay: []int{1, 1}, LoopCount: 0}); err != nil {
		t.Fatal(err)
	}
	lossless, err := hex.DecodeString("524946461c000000574542505650384c0f0000002f014000000710fd8ffe0722a2ff0100")
	if err != nil {
		t.Fatal(err)
	}
	lossy, err := hex.DecodeString("524946463c000000574542505650382030000000d001009d012a0200020001402625a00274ba01f80003b000fef2eb7ffcd815cd73eff7ffd2e0fd2e0fd2e0ffd2900000")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mime string
		data []byte
	}{{"image/png", p.Bytes()}, {"image/jpeg", j.Bytes()}, {"image/gif", g.Bytes()}, {"image/webp", lossless}, {"image/webp", lossy}} {
		mime, data := tc.mime, tc.data
		if sniffImage(data) != mime {
			t.Fatalf("%s sniffs as %q", mime, sniffImage(data))
		}
		if !imageComplete(data, mime) {
			t.Errorf("a whole %s is taken as cut short", mime)
		}
		for n := range len(data) {
			if imageComplete(data[:n], mime) {
				t.Errorf("%s cut to %d of %d bytes is taken as whole", mime, n, len(data))
				break
			}
		}
	}
}

// An image whose header and end marker are there but whose pixel data is
// not (a PNG without IDAT, a JPEG without a scan, a GIF without an image)
// passes image.DecodeConfig (a JPEG's does not, Go reads on to the
// scan), yet no model API can decode it: it is not
// taken as whole.
func TestImageCompleteWantsPixelData(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 4, 4))
	var p, j, g bytes.Buffer
	if err := png.Encode(&p, src); err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(&j, src, nil); err != nil {
		t.Fatal(err)
	}
	if err := gif.Encode(&g, src, nil); err != nil {
		t.Fatal(err)
	}
	pd := p.Bytes()
	// Signature and IHDR (8 + 25 bytes), then IEND (the last 12).
	noIDAT := append(append([]byte{}, pd[:33]...), pd[len(pd)-12:]...)
	jd := j.Bytes()
	sos := bytes.Index(jd, []byte{0xff, 0xda})
	noScan := append(append([]byte{}, jd[:sos]...), 0xff, 0xd9)
	gd := g.Bytes()
	// Header, logical screen descriptor and global color table, then the trailer.
	noFrame := append(append([]byte{}, gd[:13+colorTableSize(gd[10])]...), 0x3b)
	for _, tc := range []struct {
		mime string
		data []byte
	}{{"image/png", noIDAT}, {"image/jpeg", noScan}, {"image/gif", noFrame}} {
		if _, _, err := image.DecodeConfig(bytes.NewReader(tc.data)); err != nil && tc.mime != "image/jpeg" {
			t.Fatalf("the %s without pixel data does not pass DecodeConfig: %v", tc.mime, err)
		}
		if imageComplete(tc.data, tc.mime) {
			t.Errorf("a %s without pixel data is taken as whole", tc.mime)
		}
	}
}
