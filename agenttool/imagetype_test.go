package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// ImageType gives a host the toolkit's image limits for files it hands a
// model itself: the type comes from the bytes, and an image the toolkit
// would not return is an ErrImageRefused with a sentence saying why.
func TestImageType(t *testing.T) {
	kit, _ := newFakeKit(t, &agenttool.Options{MaxImageBytes: 150}, nil)
	for _, tc := range []struct {
		data    []byte
		mime    string
		refusal string
		refused bool
	}{
		{[]byte("not an image"), "", "", false},
		{sizedPNG(100), "image/png", "", false},
		{wholeGIF(), "image/gif", "", false},
		{sizedPNG(200), "image/png", "an image of 200 bytes is over the image budget of 150 bytes; make a smaller one with code", true},
		{sizedPNG(100)[:90], "image/png", "an image with data cut short or damaged, which model APIs refuse; check with code how it was written", true},
	} {
		mime, err := kit.ImageType(tc.data)
		require.Equal(t, tc.mime, mime)
		if !tc.refused {
			require.NoError(t, err)
			continue
		}
		require.ErrorIs(t, err, agenttool.ErrImageRefused)
		require.Equal(t, tc.refusal, err.Error())
	}
	off, _ := newFakeKit(t, &agenttool.Options{MaxImages: -1}, nil)
	_, err := off.ImageType(sizedPNG(100))
	require.ErrorIs(t, err, agenttool.ErrImageRefused)
	require.Equal(t, "images are turned off here", err.Error())
}
