package agenttool

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// encodedPNG is a whole PNG of w × h pixels.
func encodedPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// judgeImage is the one place that decides whether an image goes to a
// model, and why not: each rule gives its own reason, in the order the
// callers rely on (a file that is no image is that before images are off;
// the budgets are judged before the bytes, so that a file can be judged
// before it is fetched, by judgeBudgets alone).
func TestJudgeImage(t *testing.T) {
	small := encodedPNG(t, 3, 2)
	wide := encodedPNG(t, 11, 1)
	set, err := newSettings(&Options{MaxImages: 2, MaxImageBytes: 1000, MaxImageSide: 10})
	if err != nil {
		t.Fatal(err)
	}
	off, err := newSettings(&Options{MaxImages: -1})
	if err != nil {
		t.Fatal(err)
	}
	size := func(d []byte) int64 { return int64(len(d)) }
	for _, tc := range []struct {
		name   string
		set    settings
		data   []byte
		size   int64
		spent  imageSpent
		mime   string
		w, h   int
		reason imageReason
	}{
		{"an image", set, small, size(small), imageSpent{}, "image/png", 3, 2, imageShown},
		{"no image", set, []byte("text"), 4, imageSpent{}, "", 0, 0, imageNotAType},
		{"no image, images off", off, []byte("text"), 4, imageSpent{}, "", 0, 0, imageNotAType},
		{"images off", off, small, size(small), imageSpent{}, "image/png", 0, 0, imagesOff},
		{"over the count", set, small, size(small), imageSpent{count: 2, bytes: 10}, "image/png", 0, 0, imageOverCount},
		{"over the bytes left", set, small, size(small), imageSpent{count: 1, bytes: 1000 - size(small) + 1}, "image/png", 0, 0, imageOverBytes},
		{"just within the bytes left", set, small, size(small), imageSpent{count: 1, bytes: 1000 - size(small)}, "image/png", 3, 2, imageShown},
		{"over the side", set, wide, size(wide), imageSpent{}, "image/png", 11, 1, imageOverSide},
		{"cut short", set, small[:len(small)-1], size(small) - 1, imageSpent{}, "image/png", 3, 2, imageUndecodable},
		{"only the start read", set, small[:20], size(small), imageSpent{}, "image/png", 0, 0, imageUndecodable},
		{"nothing", set, nil, 0, imageSpent{}, "", 0, 0, imageNotAType},
	} {
		v := tc.set.judgeImage(tc.data, tc.size, tc.spent)
		if v.mime != tc.mime || v.reason != tc.reason {
			t.Errorf("%s: %q, reason %d; want %q, reason %d", tc.name, v.mime, v.reason, tc.mime, tc.reason)
		}
		if tc.reason == imageShown || tc.reason == imageOverSide {
			if v.w != tc.w || v.h != tc.h {
				t.Errorf("%s: %d × %d; want %d × %d", tc.name, v.w, v.h, tc.w, tc.h)
			}
		}
	}
}

// judgeBudgets judges a file by its size before it is fetched.
func TestJudgeBudgets(t *testing.T) {
	set, err := newSettings(&Options{MaxImages: 2, MaxImageBytes: 1000})
	if err != nil {
		t.Fatal(err)
	}
	off, err := newSettings(&Options{MaxImages: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		set    settings
		size   int64
		spent  imageSpent
		reason imageReason
	}{
		{set, 500, imageSpent{count: 1, bytes: 500}, imageShown},
		{set, 501, imageSpent{count: 1, bytes: 500}, imageOverBytes},
		{set, 1, imageSpent{count: 2}, imageOverCount},
		{off, 1, imageSpent{}, imagesOff},
	} {
		if got := tc.set.judgeBudgets(tc.size, tc.spent); got != tc.reason {
			t.Errorf("%d bytes after %+v: reason %d; want %d", tc.size, tc.spent, got, tc.reason)
		}
	}
}
