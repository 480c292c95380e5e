//go:build unix

package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/testenv"
)

// pythonEnv names the interpreter the kernel tests run: one that has
// IPython, numpy, pandas and matplotlib (.ci/run sets it to Debian's
// /usr/bin/python3 after installing them). Unset, /usr/bin/python3 is
// tried.
const pythonEnv = testenv.PythonEnv

// kernelDeps is how to get what the kernel tests need.
const kernelDeps = "apt-get install python3-ipython python3-numpy python3-pandas python3-matplotlib, or set " + pythonEnv

// kernelPython returns an interpreter that can import IPython and
// matplotlib, or ends the test (a failure where .ci/run installed them).
func kernelPython(t *testing.T) string {
	t.Helper()
	return testenv.Python(t, kernelDeps, "IPython", "matplotlib", "matplotlib_inline")
}

func newIPySession(t *testing.T) (*pythonSession, string) {
	t.Helper()
	s, dir := newPySession(t, newPython(t, PythonOptions{Python: kernelPython(t), Kernel: KernelIPython}))
	if s.ip == nil || !s.ip.ipython {
		t.Fatal("the session does not run IPython")
	}
	return s, dir
}

// TestIPythonValues: the last expression is formatted by IPython's display
// machinery (a long list one item per line), None and hidden values as the
// plain kernel reports them.
func TestIPythonValues(t *testing.T) {
	t.Parallel()
	s, _ := newIPySession(t)
	var items []string
	for i := range 30 {
		items = append(items, fmt.Sprint(i))
	}
	for _, tc := range []struct {
		code, repr, native string
		present, isNone    bool
	}{
		{code: "list(range(30))", present: true, repr: "[" + strings.Join(items, ",\n ") + "]"},
		{code: "6 * 7", present: true, repr: "42", native: "42"},
		{code: "'nan'", present: true, repr: "'nan'", native: `"nan"`},
		{code: "float('nan')", present: true, repr: "nan"},
		{code: "None", present: true, isNone: true, repr: "None"},
		{code: "print(1)"},
		{code: "x = 3"},
		{code: "x;"},
		{code: "x", present: true, repr: "3", native: "3"},
	} {
		v := py(t, s, tc.code).Value
		if v.Present != tc.present || v.IsNone != tc.isNone || v.Repr != tc.repr || string(v.Native) != tc.native {
			t.Errorf("%q: got %+v (native %s), want %+v", tc.code, v, v.Native, tc)
		}
	}
}

// TestIPythonShellFeatures: display(), !command and %magics work, and
// their output is the execution's stdout.
func TestIPythonShellFeatures(t *testing.T) {
	t.Parallel()
	s, _ := newIPySession(t)
	if res := py(t, s, "display('hello')\ndisplay(42)"); res.Stdout != "'hello'\n42\n" || res.Value.Present {
		t.Errorf("display: %+v", res)
	}
	if res := py(t, s, "!echo from-the-shell"); strings.TrimRight(res.Stdout, "\r\n") != "from-the-shell" {
		t.Errorf("!echo: %q", res.Stdout)
	}
	if res := py(t, s, "%time y = sum(range(10))"); !strings.Contains(res.Stdout, "Wall time") {
		t.Errorf("%%time: %q", res.Stdout)
	}
	if res := py(t, s, "y"); res.Value.Repr != "45" {
		t.Errorf("after %%time: %+v", res.Value)
	}
	if res := py(t, s, "%pip --version"); !strings.Contains(res.Stdout+res.Stderr, "pip") {
		t.Errorf("%%pip: %+v", res)
	}
	if res := py(t, s, "get_ipython().__class__.__mro__[1].__name__"); res.Value.Repr != "'InteractiveShell'" {
		t.Errorf("get_ipython: %+v", res.Value)
	}
}

// TestIPythonImages: a figure shown inline (%matplotlib inline) and one
// left open with the Agg backend both become the image result; an image
// passed to display() too.
func TestIPythonImages(t *testing.T) {
	t.Parallel()
	s, _ := newIPySession(t)
	for _, code := range []string{
		"import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()",
		"%matplotlib inline\nplt.plot([3, 2, 1])",
		"from IPython.display import Image, display\nimport io\nb = io.BytesIO()\nplt.figure(); plt.plot([1]); plt.savefig(b, format='png'); plt.close('all')\ndisplay(Image(b.getvalue()))",
	} {
		res := py(t, s, code)
		img := res.Value.Image
		if img == nil || img.Format != "png" || !strings.HasPrefix(img.Base64Data, "iVBORw0KGgo") {
			t.Errorf("%q: value %+v stdout %q", code, res.Value, res.Stdout)
		}
		if res.Stderr != "" {
			t.Errorf("%q: stderr %q", code, res.Stderr)
		}
	}
	if res := py(t, s, "1"); res.Value.Image != nil {
		t.Error("an image is reported again by the next cell")
	}
}

// TestIPythonFailures: an exception is Failed with IPython's traceback in
// stderr (no colours), the state lives on; a timeout kills the kernel.
func TestIPythonFailures(t *testing.T) {
	t.Parallel()
	s, _ := newIPySession(t)
	py(t, s, "x = 7")
	res := run(t, s, Request{Code: "d = {}\nd['missing']"})
	if res.Outcome != OutcomeFailed || !strings.Contains(res.Stderr, "KeyError: 'missing'") || strings.Contains(res.Stderr, "\x1b[") || res.Stdout != "" {
		t.Errorf("exception: %+v", res)
	}
	if res := py(t, s, "x"); res.Value.Repr != "7" {
		t.Errorf("state after the exception: %+v", res.Value)
	}
	if res := run(t, s, Request{Code: "def f(:\n  pass"}); res.Outcome != OutcomeFailed || !strings.Contains(res.Stderr, "SyntaxError") {
		t.Errorf("syntax error: %+v", res)
	}
	res = run(t, s, Request{Code: "import time\ntime.sleep(300)", Timeout: 500 * time.Millisecond})
	if res.Outcome != OutcomeTimedOut {
		t.Errorf("timeout: %+v", res)
	}
	if res := py(t, s, "'x' in globals()"); res.Value.Repr != "False" {
		t.Errorf("after the timeout the kernel should be fresh: %+v", res.Value)
	}
}

// TestIPythonMntDataAndHostile: the /mnt/data mapping, a bare fork and an
// empty kernel work with IPython as with the plain kernel.
func TestIPythonMntDataAndHostile(t *testing.T) {
	t.Parallel()
	s, dir := newIPySession(t)
	py(t, s, "open('/mnt/data/a.txt', 'w').write('hi')")
	if b, err := os.ReadFile(filepath.Join(dir, "a.txt")); err != nil || string(b) != "hi" {
		t.Errorf("a.txt: %q %v", b, err)
	}
	py(t, s, "import os\nos.fork()\n'forked'")
	for i := range 5 {
		if res := py(t, s, fmt.Sprintf("%d + 100", i)); res.Value.Repr != fmt.Sprint(i+100) {
			t.Fatalf("cell %d after a fork: %+v", i, res.Value)
		}
	}
	py(t, s, "z = 1")
	if res := run(t, s, Request{Code: "'z' in globals()", UseEmptyKernel: true}); res.Value.Repr != "False" {
		t.Errorf("empty kernel: %+v", res.Value)
	}
}

// TestKernelChoice: Info says which kernel runs; KernelPlain keeps the
// plain driver even where IPython is installed.
func TestKernelChoice(t *testing.T) {
	t.Parallel()
	python := kernelPython(t)
	auto, err := NewPython(PythonOptions{Python: python})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { auto.Close() })
	info, err := auto.Info(guardCtx(t))
	if err != nil || info.Kernel != KernelIPython || !strings.Contains(info.KernelDescription, "IPython") {
		t.Errorf("auto: %+v %v", info, err)
	}
	plain := newPython(t, PythonOptions{Python: python, Kernel: KernelPlain})
	info, err = plain.Info(guardCtx(t))
	if err != nil || info.Kernel != KernelPlain {
		t.Errorf("plain: %+v %v", info, err)
	}
	s, _ := newPySession(t, plain)
	if res := py(t, s, "list(range(30))"); strings.Contains(res.Value.Repr, "\n") {
		t.Errorf("the plain kernel pretty-printed: %q", res.Value.Repr)
	}
	if _, err := NewPython(PythonOptions{Kernel: "jupyter"}); err == nil || !strings.Contains(err.Error(), "jupyter") {
		t.Errorf("unknown kernel: %v", err)
	}
}
