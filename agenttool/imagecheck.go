package agenttool

import (
	"errors"
	"fmt"

	"github.com/seed-f3fa2c9d/azsessions/internal/words"
)

// ErrImageRefused is what Toolkit.ImageType returns (wrapped) for an image
// the toolkit would not show a model.
var ErrImageRefused = errors.New("agenttool: an image the toolkit does not show a model")

// ImageType returns the media type of data when its bytes are an image a
// model can be shown (PNG, JPEG, GIF or WebP; the name's extension plays no
// part), else "". For such an image it also returns an error wrapping
// ErrImageRefused when the toolkit would not return it as image content:
// images are turned off (Options.MaxImages), it is larger than
// Options.MaxImageBytes, a side is over Options.MaxImageSide, or its data is
// cut short or damaged. The error's text is a sentence for the model or the
// user, naming no file. A host that hands files to a model some other way
// (an MCP server's resources, which serve such an image as bytes, not as an
// image) applies the toolkit's limits with it: model APIs refuse a request
// holding an image over their limits, and every later turn that holds it.
func (t *Toolkit) ImageType(data []byte) (string, error) {
	set := t.set
	v := set.judgeImage(data, int64(len(data)), imageSpent{})
	switch v.reason {
	case imageNotAType:
		return "", nil
	case imagesOff:
		return v.mime, imageRefusal("images are turned off here")
	case imageOverCount:
		return v.mime, imageRefusal("a result carries at most " + words.Count(int64(set.maxImages), "image"))
	case imageOverBytes:
		return v.mime, imageRefusal(fmt.Sprintf("an image of %d bytes is over the image budget of %d bytes; make a smaller one with code", len(data), set.maxImageBytes))
	case imageOverSide:
		err := errImageSide(set.maxImageSide)
		return v.mime, imageRefusal(fmt.Sprintf("an image of %d × %d pixels, %v; %s", v.w, v.h, err, imageAdvice(err)))
	case imageUndecodable:
		err := errImageDamaged{}
		return v.mime, imageRefusal(fmt.Sprintf("an image with %v; %s", err, imageAdvice(err)))
	}
	return v.mime, nil
}

// imageRefusal is an ImageType error: its text is the sentence alone, for a
// model or a user, and it is ErrImageRefused.
type imageRefusal string

func (e imageRefusal) Error() string { return string(e) }

// Is makes errors.Is(err, ErrImageRefused) hold.
func (e imageRefusal) Is(target error) bool { return target == ErrImageRefused }
