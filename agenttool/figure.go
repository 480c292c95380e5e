package agenttool

import (
	"bytes"
	"encoding/binary"
	"strings"

	"github.com/seed-f3fa2c9d/azsessions"
)

// savedFigureValue is the value of a run whose open figure is not returned
// again because the run saved it (see dropSavedFigure).
const savedFigureValue = "(an image: the figure open when the run ended; not returned again, since the run saved Matplotlib images, returned with this result, and the figure is most likely one of them; if it is not, draw it again and save it with plt.savefig)"

// figureSigns tells the images a run most likely saved its figure as.
type figureSigns struct {
	savefig bool // the run's code calls savefig
}

// signsOf reads the signs in a run's request.
func signsOf(req azsessions.ExecutionRequest) figureSigns {
	return figureSigns{savefig: req.Code != nil && strings.Contains(*req.Code, "savefig")}
}

// saved reports whether data is an image the run most likely saved its
// figure as: a PNG that Matplotlib wrote or, from code that calls savefig,
// a JPEG or WebP image, since Matplotlib leaves no sign in those.
func (g figureSigns) saved(data []byte) bool {
	if matplotlibPNG(data) {
		return true
	}
	mime := sniffImage(data)
	return g.savefig && (mime == "image/jpeg" || mime == "image/webp")
}

// dropSavedFigure leaves out the run's figure (the image the pool returns
// for a Matplotlib figure still open when the run ended) when the run also
// saved an image of it that travels with the result (figureSigns): code
// that calls plt.savefig and leaves the figure open would otherwise hand the
// model the same picture twice, at twice the tokens. The file is the copy
// kept: it has a name the model can cite and download again, and it is the
// rendering the code asked for, while the figure is gone once the run ends.
// The two are rendered differently (the figure cropped to its content), so
// their bytes cannot be compared. The run's image is left out only when
// Matplotlib rendered it too: an image the run ended on that is no figure
// (a Pillow image, say) cannot be the saved one.
func (rep *runReport) dropSavedFigure() {
	fig := -1
	saved := false
	for i, im := range rep.images {
		switch {
		case im.Name == "":
			fig = i
		case rep.signs.saved(im.Data):
			saved = true
		}
	}
	if fig < 0 || !saved || !matplotlibPNG(rep.images[fig].Data) {
		return
	}
	rep.images = append(rep.images[:fig], rep.images[fig+1:]...)
	rep.out.Value = savedFigureValue
}

// figure is the run's figure among the images so far, or nil.
func (rep *runReport) figure() *Image {
	for i := range rep.images {
		if rep.images[i].Name == "" {
			return &rep.images[i]
		}
	}
	return nil
}

// matplotlibPNG reports whether data is a PNG whose Software text, among
// the chunks before the image data, says Matplotlib wrote it (every PNG
// savefig writes carries it unless the code removed it).
func matplotlibPNG(data []byte) bool {
	const signature = "\x89PNG\r\n\x1a\n"
	rest, ok := bytes.CutPrefix(data, []byte(signature))
	if !ok {
		return false
	}
	for len(rest) >= 12 {
		n := binary.BigEndian.Uint32(rest)
		kind := string(rest[4:8])
		if kind == "IDAT" || uint64(n) > uint64(len(rest)-12) {
			return false
		}
		body := rest[8 : 8+n]
		if kind == "tEXt" && bytes.HasPrefix(body, []byte("Software\x00Matplotlib")) {
			return true
		}
		rest = rest[12+n:]
	}
	return false
}
