package agenttool

import (
	"errors"
	"fmt"
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
// (an MCP server's resources) applies the toolkit's limits with it: model
// APIs refuse a request holding an image over their limits, and every later
// turn that holds it.
func (t *Toolkit) ImageType(data []byte) (string, error) {
	mime := sniffImage(data)
	if mime == "" {
		return "", nil
	}
	set := t.set
	switch {
	case set.maxImages < 1:
		return mime, imageRefusal("images are turned off here")
	case int64(len(data)) > set.maxImageBytes:
		return mime, imageRefusal(fmt.Sprintf("an image of %d bytes is over the image budget of %d bytes; make a smaller one with code", len(data), set.maxImageBytes))
	}
	if w, h, err := set.checkImage(data, mime); errors.As(err, new(errImageSide)) {
		return mime, imageRefusal(fmt.Sprintf("an image of %d × %d pixels, %v; %s", w, h, err, imageAdvice(err)))
	} else if err != nil {
		return mime, imageRefusal(fmt.Sprintf("an image with %v; %s", err, imageAdvice(err)))
	}
	return mime, nil
}

// imageRefusal is an ImageType error: its text is the sentence alone, for a
// model or a user, and it is ErrImageRefused.
type imageRefusal string

func (e imageRefusal) Error() string { return string(e) }

// Is makes errors.Is(err, ErrImageRefused) hold.
func (e imageRefusal) Is(target error) bool { return target == ErrImageRefused }
