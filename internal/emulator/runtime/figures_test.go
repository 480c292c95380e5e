//go:build unix

package runtime

import (
	"strings"
	"testing"
)

// The cells of TestShowClosesFigures. The second figure differs from the
// first by its line and its title, so the image of both drawn on one
// figure differs from the second drawn alone.
const (
	showTwice = "import matplotlib.pyplot as plt\n" +
		"plt.plot([1, 2]); plt.title('first'); plt.show()\n" +
		"print(len(plt.get_fignums()))\n" +
		"plt.plot([2, 1]); plt.title('second'); plt.show()\n" +
		"print(len(plt.get_fignums()))"
	secondAlone = "import matplotlib.pyplot as plt\nplt.plot([2, 1]); plt.title('second')"
)

// TestShowClosesFigures: plt.show() shows the open figures and closes
// them, as the inline backend of the service's Jupyter kernel does, so the
// next plot starts on a new figure and the image result is the last one
// shown, not every plot drawn on one figure; in the plain kernel and in
// IPython, with and without %matplotlib inline. A figure left open is the
// image result as before; a cell with no figure has none.
func TestShowClosesFigures(t *testing.T) {
	eachFigureKernel(t, func(t *testing.T, s Session) {
		alone := py(t, s, secondAlone).Value.Image
		if alone == nil || !strings.HasPrefix(alone.Base64Data, "iVBORw0KGgo") {
			t.Fatal("a figure left open is not the image result")
		}
		res := py(t, s, showTwice)
		if res.Stdout != "0\n0\n" {
			t.Errorf("open figures after each show(): %q, want none", res.Stdout)
		}
		switch img := res.Value.Image; {
		case img == nil:
			t.Error("no image after two show() calls")
		case img.Base64Data != alone.Base64Data:
			t.Error("the image is not the second figure alone")
		}
		if res.Stderr != "" {
			t.Errorf("stderr %q", res.Stderr)
		}
		// A figure shown, then one left open: the one left open comes
		// last.
		res = py(t, s, "plt.plot([0, 0]); plt.show()\n"+secondAlone)
		if img := res.Value.Image; img == nil || img.Base64Data != alone.Base64Data {
			t.Error("the figure left open after a show() is not the image result")
		}
		for _, code := range []string{"plt.show()", "x = 1", "plt.get_fignums()"} {
			if res := py(t, s, code); res.Value.Image != nil {
				t.Errorf("%q: an image with no figure", code)
			}
		}
		// A failed cell has no result, images shown included, and
		// leaves no figure open.
		if res := run(t, s, Request{Code: "plt.plot([1]); plt.show()\nplt.plot([2])\n1/0"}); res.Outcome != OutcomeFailed || res.Value.Image != nil {
			t.Errorf("failed cell: %s %+v", res.Outcome, res.Value)
		}
		if res := py(t, s, "len(plt.get_fignums())"); res.Value.Repr != "0" {
			t.Errorf("figures open after a failed cell: %s", res.Value.Repr)
		}
	})
}

// eachFigureKernel runs test, in parallel, on a new session of each way
// figures are shown: the plain kernel, IPython, and IPython after
// %matplotlib inline (the service's backend).
func eachFigureKernel(t *testing.T, test func(t *testing.T, s Session)) {
	t.Parallel()
	python := kernelPython(t)
	for _, tc := range []struct{ name, kernel, setup string }{
		{"plain", KernelPlain, ""},
		{"ipython", KernelIPython, ""},
		{"inline", KernelIPython, "%matplotlib inline"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newPySession(t, newPython(t, PythonOptions{Python: python, Kernel: tc.kernel}))
			if tc.setup != "" {
				py(t, s, tc.setup)
			}
			test(t, s)
		})
	}
}
