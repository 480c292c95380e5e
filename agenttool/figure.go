package agenttool

import (
	"bytes"
	"encoding/binary"
)

// savedFigureValue is the value of a run whose open figure is not returned
// again because the run saved it (see dropSavedFigure).
const savedFigureValue = "(an image: the figure open when the run ended; not returned again, since the run saved Matplotlib images, returned with this result, and the figure is most likely one of them; if it is not, draw it again and save it with plt.savefig)"

// dropSavedFigure leaves out the run's figure (the image the pool returns
// for a Matplotlib figure still open when the run ended) when the run also
// saved a Matplotlib image that travels with the result: code that calls
// plt.savefig and leaves the figure open would otherwise hand the model the
// same picture twice, at twice the tokens. The file is the copy kept: it has
// a name the model can cite and download again, and it is the rendering the
// code asked for, while the figure is gone once the run ends. The two are
// rendered differently (the figure cropped to its content), so their bytes
// cannot be compared; a PNG that Matplotlib wrote is the sign. The run's
// image is left out only when Matplotlib rendered it too: an image the run
// ended on that is no figure (a Pillow image, say) cannot be the saved one.
func (rep *runReport) dropSavedFigure() {
	fig := -1
	saved := false
	for i, im := range rep.images {
		switch {
		case im.Name == "":
			fig = i
		case matplotlibPNG(im.Data):
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
