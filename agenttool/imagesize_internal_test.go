package agenttool

import (
	"encoding/hex"
	"testing"
)

// The first 30 bytes of WebP images Pillow wrote, 300 × 77 pixels each:
// lossy (VP8), lossless (VP8L) and extended, with EXIF (VP8X).
func TestWebPSize(t *testing.T) {
	for _, h := range []string{
		"52494646620000005745425056503820560000003008009d012a2c014d00",
		"5249464620000000574542505650384c140000002f2b011300071011fd0f",
		"524946469800000057454250565038580a000000180000002b01004c0000",
	} {
		d, err := hex.DecodeString(h)
		if err != nil {
			t.Fatal(err)
		}
		if w, h := webpSize(d); w != 300 || h != 77 {
			t.Errorf("%s: %d × %d, want 300 × 77", d[12:16], w, h)
		}
	}
	if w, h := webpSize([]byte("RIFF\x00\x00\x00\x00WEBPVP8 ")); w != 0 || h != 0 {
		t.Errorf("a cut header gave %d × %d", w, h)
	}
}
