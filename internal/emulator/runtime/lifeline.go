package runtime

import "os"

// lifeline is a pipe whose write end this process never writes nor
// closes: a child given the read end sees it readable, at end of file, only
// once the emulator is gone, however it died.
type lifeline struct {
	r, w *os.File
}

func newLifeline() (*lifeline, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	return &lifeline{r: r, w: w}, nil
}
