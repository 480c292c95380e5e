package agenttool

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// FuzzCheckImage: any data, cut or forged, gets an answer and never a
// panic; an image passes only with a size within the limit, and a size over
// it is the reason given.
func FuzzCheckImage(f *testing.F) {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))
	f.Add([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xc0\x00\x11\x08\x00\x02\x00\x03\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"))
	f.Add([]byte("RIFF\x20\x00\x00\x00WEBPVP8L\x14\x00\x00\x00\x2f\x2b\x01\x13\x00\x07\x10\x11\xfd\x0f"))
	f.Add([]byte("RIFF\x98\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x18\x00\x00\x00\x2b\x01\x00\x4c\x00\x00"))
	set := settings{maxImageSide: 8000}
	f.Fuzz(func(t *testing.T, data []byte) {
		mime := sniffImage(data)
		if mime == "" {
			mime = "image/webp"
		}
		w, h, err := set.checkImage(data, mime)
		_, side := err.(errImageSide)
		if w < 0 || h < 0 || err == nil && (w == 0 || h == 0 || max(w, h) > 8000) || side && max(w, h) <= 8000 {
			t.Fatalf("%d × %d, %v", w, h, err)
		}
	})
}
