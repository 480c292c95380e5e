package agenttool

import "errors"

// imageReason is why an image does not go to a model as image content;
// imageShown when it does. Each caller words the reason for its own
// context (a tool result's line, a run's note, an error for a host), so a
// new rule is written once, in judgeImage, and worded where it is shown.
type imageReason int

const (
	// imageShown: the image goes to the model.
	imageShown imageReason = iota
	// imageNotAType: the bytes are not PNG, JPEG, GIF or WebP, the only
	// types model APIs take (a name's extension plays no part).
	imageNotAType
	// imagesOff: Options.MaxImages is negative.
	imagesOff
	// imageOverCount: the result carries Options.MaxImages images already.
	imageOverCount
	// imageOverBytes: the image does not fit in what is left of
	// Options.MaxImageBytes.
	imageOverBytes
	// imageOverSide: a side is over Options.MaxImageSide.
	imageOverSide
	// imageUndecodable: its size cannot be read, or its data is cut short
	// or damaged; model APIs refuse an image they cannot decode.
	imageUndecodable
)

// imageSpent is the share of a result's image budgets that its images so
// far hold.
type imageSpent struct {
	count int   // images
	bytes int64 // their bytes
}

// imageVerdict is judgeImage's decision on one image.
type imageVerdict struct {
	mime   string // the type its bytes give; "" when not read or not an image
	w, h   int    // its size in pixels, when its header was read
	reason imageReason
}

// judgeImage decides whether an image of size bytes goes to a model as
// image content, in a result whose images so far spent a share of the
// budgets. data is what was read of it: all of it, or only its start (the
// image is then cut short to a model, which cannot decode it).
func (set settings) judgeImage(data []byte, size int64, spent imageSpent) imageVerdict {
	v := imageVerdict{mime: sniffImage(data)}
	if v.mime == "" {
		v.reason = imageNotAType
		return v
	}
	if v.reason = set.judgeBudgets(size, spent); v.reason != imageShown {
		return v
	}
	w, h, err := set.checkImage(data, v.mime)
	v.w, v.h = w, h
	switch {
	case errors.As(err, new(errImageSide)):
		v.reason = imageOverSide
	case err != nil || int64(len(data)) < size:
		v.reason = imageUndecodable
	}
	return v
}

// judgeBudgets is the part of judgeImage that needs no bytes: whether
// images are on and an image of size bytes fits in the budgets' share
// left, so that a file is not fetched for nothing.
func (set settings) judgeBudgets(size int64, spent imageSpent) imageReason {
	switch {
	case set.maxImages < 1:
		return imagesOff
	case spent.count >= set.maxImages:
		return imageOverCount
	case spent.bytes+size > set.maxImageBytes:
		return imageOverBytes
	}
	return imageShown
}
