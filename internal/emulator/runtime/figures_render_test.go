//go:build unix

package runtime

import (
	"strings"
	"testing"
)

// TestShowOfAFigureThatCannotBeRendered: plt.show() of a figure whose
// rendering fails (a title with bad mathtext) prints the error and the
// cell goes on, as under the service's inline backend, whose display
// catches a formatter's error; the emulator's show() raised it, so the
// rest of the cell did not run and the cell failed. The figure is closed
// all the same.
func TestShowOfAFigureThatCannotBeRendered(t *testing.T) {
	eachFigureKernel(t, func(t *testing.T, s Session) {
		res := run(t, s, Request{Code: "import matplotlib.pyplot as plt\n" +
			"plt.plot([1, 2]); plt.title('$x_$'); plt.show()\n" +
			"print('after', len(plt.get_fignums()))"})
		if res.Outcome != OutcomeSucceeded || !strings.HasSuffix(res.Stdout, "after 0\n") {
			t.Fatalf("outcome %s, stdout %q, stderr:\n%s", res.Outcome, res.Stdout, res.Stderr)
		}
		if !strings.Contains(res.Stderr, "Traceback") {
			t.Errorf("the rendering error is not printed: stderr %q", res.Stderr)
		}
		if res.Value.Image != nil {
			t.Error("an image of a figure that could not be rendered")
		}
	})
}
