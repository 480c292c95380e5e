//go:build unix

package runtime

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPythonStatePersists(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	py(t, s, "x = 1\nimport json")
	py(t, s, "x += 1")
	res := py(t, s, "json.dumps([x])")
	if res.Value.Repr != `'[2]'` {
		t.Errorf("repr %q, want '[2]'", res.Value.Repr)
	}
	// Functions and classes defined in a cell live in __main__, so pickle
	// finds them as it does in Jupyter.
	py(t, s, "class P:\n    pass\n")
	py(t, s, "import pickle\npickle.loads(pickle.dumps(P()))")
}

func TestPythonValues(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	for _, tc := range []struct {
		code    string
		present bool
		isNone  bool
		repr    string
		native  string // "" for none
		stdout  string
	}{
		{code: "6 * 7", present: true, repr: "42", native: "42"},
		{code: "x = 5\nx", present: true, repr: "5", native: "5"},
		{code: "'nan'", present: true, repr: "'nan'", native: `"nan"`},
		{code: "'é\"'", present: true, repr: `'é"'`, native: `"é\""`},
		{code: "float('nan')", present: true, repr: "nan"},
		{code: "float('inf')", present: true, repr: "inf"},
		{code: "1.5", present: true, repr: "1.5", native: "1.5"},
		{code: "True", present: true, repr: "True", native: "true"},
		{code: "[1, 'a']", present: true, repr: "[1, 'a']"},
		{code: "{'a': 1}", present: true, repr: "{'a': 1}"},
		{code: "None", present: true, isNone: true, repr: "None"},
		{code: "y = None\ny", present: true, isNone: true, repr: "None"},
		{code: "x = 1"},
		{code: ""},
		{code: "# only a comment\n"},
		{code: "print(7 * 9)", stdout: "63\n"},
		{code: "[].sort()"},
		{code: "6 * 7;"},
		{code: "6 * 7  # comment", present: true, repr: "42", native: "42"},
		{code: "if True:\n    x = 3\nx", present: true, repr: "3", native: "3"},
	} {
		res := py(t, s, tc.code)
		v := res.Value
		if v.Present != tc.present || v.IsNone != tc.isNone || v.Repr != tc.repr ||
			string(v.Native) != tc.native || res.Stdout != tc.stdout || v.Image != nil {
			t.Errorf("%q: got %+v (native %s) stdout %q, want %+v", tc.code, v, v.Native, res.Stdout, tc)
		}
	}
}

func TestPythonValueReprFails(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	res := run(t, s, Request{Code: "class B:\n    def __repr__(self):\n        raise ValueError('no repr')\nB()"})
	if res.Outcome != OutcomeFailed || !strings.HasSuffix(res.Stderr, "ValueError: no repr") {
		t.Fatalf("outcome %s stderr %q", res.Outcome, res.Stderr)
	}
	if !strings.Contains(res.Stderr, "in __repr__") || strings.Contains(res.Stderr, "_describe") {
		t.Errorf("traceback should show the user's frame only:\n%s", res.Stderr)
	}
}

func TestPythonException(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	res := run(t, s, Request{Code: "print('before')\nd = {}\nd['sales_amount']"})
	if res.Outcome != OutcomeFailed {
		t.Fatalf("outcome %s", res.Outcome)
	}
	if res.Stdout != "before\n" {
		t.Errorf("stdout %q", res.Stdout)
	}
	if !strings.HasSuffix(res.Stderr, "KeyError: 'sales_amount'") {
		t.Errorf("stderr does not end with the exception line:\n%s", res.Stderr)
	}
	for _, want := range []string{"Traceback (most recent call last):", "Cell In[1], line 3", "d['sales_amount']"} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.Stderr)
		}
	}
	if strings.Contains(res.Stderr, `File "<string>"`) || strings.Contains(res.Stderr, "_run_cell") {
		t.Errorf("driver frames leak into the traceback:\n%s", res.Stderr)
	}
	if res.Value.Present {
		t.Errorf("a failed cell has no value: %+v", res.Value)
	}

	// Frames of functions defined in earlier cells and of the standard
	// library are kept.
	py(t, s, "import json\ndef load(s):\n    return json.loads(s)")
	res = run(t, s, Request{Code: "load('{')"})
	if res.Outcome != OutcomeFailed || !strings.Contains(res.Stderr, "Cell In[2], line 3, in load") ||
		!strings.Contains(res.Stderr, "json/decoder.py") || !strings.Contains(res.Stderr, "JSONDecodeError") {
		t.Errorf("outcome %s stderr:\n%s", res.Outcome, res.Stderr)
	}

	res = run(t, s, Request{Code: "x = (1,"})
	last := res.Stderr[strings.LastIndexByte(res.Stderr, '\n')+1:]
	if res.Outcome != OutcomeFailed || !strings.HasPrefix(last, "SyntaxError: ") ||
		!strings.HasPrefix(res.Stderr, "  Cell In[4], line 1") {
		t.Errorf("syntax error: outcome %s stderr:\n%s", res.Outcome, res.Stderr)
	}

	// SystemExit fails the cell but, as in Jupyter, not the kernel.
	pid := s.pid()
	res = run(t, s, Request{Code: "import sys\nsys.stderr.write('bye\\n')\nsys.exit(3)"})
	if res.Outcome != OutcomeFailed || !strings.HasPrefix(res.Stderr, "bye\n") || !strings.HasSuffix(res.Stderr, "SystemExit: 3") {
		t.Errorf("sys.exit: outcome %s stderr:\n%s", res.Outcome, res.Stderr)
	}
	if res := py(t, s, "d"); res.Value.Repr != "{}" || s.pid() != pid {
		t.Errorf("state lost after SystemExit")
	}
}

func TestPythonOutputCap(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	res := run(t, s, Request{Code: "print('x' * 10000)", MaxOutput: 100})
	if res.Stdout != strings.Repeat("x", 100) || res.StdoutFull != 10001 {
		t.Errorf("stdout %d chars, full %d", len(res.Stdout), res.StdoutFull)
	}
	res = run(t, s, Request{Code: "print('é' * 50, end='')\nimport sys\nsys.stderr.write('y' * 5000)\nNone"})
	if res.Stdout != strings.Repeat("é", 50) || res.StdoutFull != 50 {
		t.Errorf("stdout %q full %d", res.Stdout, res.StdoutFull)
	}
	if res.Stderr != strings.Repeat("y", 4096) || res.StderrFull != 5000 {
		t.Errorf("default cap: stderr %d bytes, full %d", len(res.Stderr), res.StderrFull)
	}
	res = run(t, s, Request{Code: "print('日本語テキスト', end='')", MaxOutput: 3})
	if res.Stdout != "日本語" || res.StdoutFull != 7 {
		t.Errorf("stdout %q full %d", res.Stdout, res.StdoutFull)
	}
	// Output written straight to the file descriptor is capped and counted
	// too; 8 MiB passes through without being kept.
	res = run(t, s, Request{Code: "import os\nfor _ in range(8):\n    os.write(1, b'z' * (1 << 20))", MaxOutput: 5})
	if res.Stdout != "zzzzz" || res.StdoutFull != 8<<20 {
		t.Errorf("fd output: stdout %q full %d", res.Stdout, res.StdoutFull)
	}
}

func TestPythonFdOutputInOrder(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	res := py(t, s, "import os, subprocess, sys\nprint('a')\nos.system('echo b')\n"+
		"subprocess.run(['sh', '-c', 'echo c; echo e >&2'])\nprint('d')\nsys.stderr.write('f\\n')")
	if res.Stdout != "a\nb\nc\nd\n" || res.Stderr != "e\nf\n" {
		t.Errorf("stdout %q stderr %q", res.Stdout, res.Stderr)
	}
	// A background thread that prints after the cell ends does not leak
	// into this result, and the next cell's output is its own.
	res = py(t, s, "print('solo')")
	if res.Stdout != "solo\n" {
		t.Errorf("stdout %q", res.Stdout)
	}
}

func TestPythonClosedStdout(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	// Closing fd 1 cannot hang the execution waiting for the end marker.
	res := py(t, s, "import os\nprint('x')\nos.close(1)\n1")
	if res.Stdout != "x\n" || res.Value.Repr != "1" {
		t.Errorf("stdout %q value %+v", res.Stdout, res.Value)
	}
	if res := py(t, s, "2"); res.Value.Repr != "2" {
		t.Errorf("value %+v", res.Value)
	}
}

func TestPythonMntData(t *testing.T) {
	t.Parallel()
	s, dir := newPySession(t, newPython(t, PythonOptions{}))
	py(t, s, "with open('/mnt/data/a.txt', 'w') as f:\n    f.write('hello')")
	if b, err := os.ReadFile(filepath.Join(dir, "a.txt")); err != nil || string(b) != "hello" {
		t.Fatalf("a.txt: %q %v", b, err)
	}
	if res := py(t, s, "import os\nos.listdir('/mnt/data')"); res.Value.Repr != "['a.txt']" {
		t.Errorf("listdir: %s", res.Value.Repr)
	}
	py(t, s, "import pathlib\npathlib.Path('/mnt/data/b').write_text('bee')")
	if b, err := os.ReadFile(filepath.Join(dir, "b")); err != nil || string(b) != "bee" {
		t.Fatalf("b: %q %v", b, err)
	}
	for _, tc := range []struct{ code, want string }{
		{"os.path.exists('/mnt/data/a.txt')", "True"},
		{"os.path.isfile('/mnt/data/a.txt')", "True"},
		{"os.path.isdir('/mnt/data')", "True"},
		{"os.path.getsize('/mnt/data/a.txt')", "5"},
		{"open(b'/mnt/data/a.txt').read()", "'hello'"},
		{"pathlib.Path('/mnt/data/a.txt').read_text()", "'hello'"},
		{"pathlib.Path('/mnt/data/a.txt').exists()", "True"},
		{"sorted(p.name for p in pathlib.Path('/mnt/data').iterdir())", "['a.txt', 'b']"},
		{"import glob\nsorted(glob.glob('/mnt/data/*'))", "['/mnt/data/a.txt', '/mnt/data/b']"},
		{"os.makedirs('/mnt/data/sub/deep', exist_ok=True)\nos.rename('/mnt/data/b', '/mnt/data/sub/deep/c')\n" +
			"[(d, sorted(f)) for d, _, f in os.walk('/mnt/data')]", "[('/mnt/data', ['a.txt']), ('/mnt/data/sub', []), ('/mnt/data/sub/deep', ['c'])]"},
		{"import shutil\nshutil.copy('/mnt/data/a.txt', '/mnt/data/copy.txt')\nos.remove('/mnt/data/copy.txt')\n" +
			"os.path.exists('/mnt/data/copy.txt')", "False"},
		{"os.makedirs('/mnt/data/tree/x')\nopen('/mnt/data/tree/x/f', 'w').close()\nshutil.rmtree('/mnt/data/tree')\n" +
			"os.path.exists('/mnt/data/tree')", "False"},
		{"shutil._use_fd_functions", "True"},
		{"os.path.exists('/mnt/database')", "False"},
		{"os.stat('/mnt/data').st_ino == os.stat('.').st_ino", "True"},
	} {
		if res := run(t, s, Request{Code: tc.code}); res.Outcome != OutcomeSucceeded || res.Value.Repr != tc.want {
			t.Errorf("%q: %s %q, want %s; stderr:\n%s", tc.code, res.Outcome, res.Value.Repr, tc.want, res.Stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "sub", "deep", "c")); err != nil {
		t.Errorf("rename did not land in the session dir: %v", err)
	}
	// chdir('/mnt/data'), as AutoGen does first, lands in the session dir.
	py(t, s, "os.chdir('/tmp')\nos.chdir('/mnt/data')")
	if res := py(t, s, "os.getcwd()"); res.Value.Repr != "'"+dir+"'" {
		t.Errorf("cwd after chdir: %s", res.Value.Repr)
	}
}

func TestPythonCwd(t *testing.T) {
	t.Parallel()
	s, dir := newPySession(t, newPython(t, PythonOptions{}))
	if res := py(t, s, "import os\nos.getcwd()"); res.Value.Repr != "'"+dir+"'" {
		t.Errorf("cwd %s, want %s", res.Value.Repr, dir)
	}
	py(t, s, "open('rel.txt', 'w').close()")
	if _, err := os.Stat(filepath.Join(dir, "rel.txt")); err != nil {
		t.Error(err)
	}
	// Modules put in the session dir can be imported, and importing leaves
	// no __pycache__ behind in it.
	if err := os.WriteFile(filepath.Join(dir, "helper.py"), []byte("ANSWER = 42\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := py(t, s, "import helper\nhelper.ANSWER"); res.Value.Repr != "42" {
		t.Errorf("import from session dir: %+v", res.Value)
	}
	if _, err := os.Stat(filepath.Join(dir, "__pycache__")); !os.IsNotExist(err) {
		t.Errorf("__pycache__ written to the session dir: %v", err)
	}
}

func TestPythonTimeout(t *testing.T) {
	eachStart(t, func(t *testing.T, opts PythonOptions) {
		s, dir := newPySession(t, newPython(t, opts))
		timedOutAfterPrinting(t, s, dir)
		// The next execution runs in a fresh interpreter bound to the same dir.
		res := run(t, s, Request{Code: "x"})
		if res.Outcome != OutcomeFailed || !strings.HasSuffix(res.Stderr, "NameError: name 'x' is not defined") {
			t.Errorf("after timeout: %s %q", res.Outcome, res.Stderr)
		}
		if res := py(t, s, "import os\nos.getcwd()"); res.Value.Repr != "'"+dir+"'" {
			t.Errorf("cwd after restart %s", res.Value.Repr)
		}
		if res := py(t, s, "open('/mnt/data/z', 'w').close()\nos.listdir('/mnt/data')"); res.Value.Repr != "['z']" {
			t.Errorf("mapping after restart: %s", res.Value.Repr)
		}
	})
}

// timedOutAfterPrinting sets x in the session, then runs code that prints
// "started", writes the file started in dir and sleeps past its timeout; it
// requires the timeout's outcome, the output written before it, and the
// interpreter reaped. The timeout counts from the cell's sending: on a
// loaded machine a short one can strike before the cell printed anything,
// which proves nothing of the output kept. So the timeout doubles until a
// try got as far as writing the file; tries are counted, not timed.
func timedOutAfterPrinting(t *testing.T, s *pythonSession, dir string) {
	t.Helper()
	marker := filepath.Join(dir, "started")
	for timeout := 2 * time.Second; ; timeout *= 2 {
		_ = os.Remove(marker)
		py(t, s, "x = 1")
		pid := s.pid()
		res := run(t, s, Request{Code: "import time\nprint('started')\nopen('started', 'w').close()\ntime.sleep(300)", Timeout: timeout})
		if res.Outcome != OutcomeTimedOut || res.Stderr != MessageTimedOut || res.StderrFull != len(MessageTimedOut) {
			t.Fatalf("outcome %s stderr %q", res.Outcome, res.Stderr)
		}
		assertReaped(t, pid)
		if _, err := os.Stat(marker); errors.Is(err, fs.ErrNotExist) && timeout < hangGuard/4 {
			continue // killed before it got that far
		} else if err != nil {
			t.Fatal(err)
		}
		if res.Stdout != "started\n" {
			t.Errorf("output before the timeout: %q", res.Stdout)
		}
		if err := os.Remove(marker); err != nil {
			t.Fatal(err)
		}
		return
	}
}

func TestPythonDefaultTimeout(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{DefaultTimeout: time.Second})
	s, _ := newPySession(t, f)
	if res := run(t, s, Request{Code: "import time\ntime.sleep(30)"}); res.Outcome != OutcomeTimedOut {
		t.Errorf("outcome %s", res.Outcome)
	}
}

func TestPythonCrash(t *testing.T) {
	eachStart(t, func(t *testing.T, opts PythonOptions) {
		s, _ := newPySession(t, newPython(t, opts))
		for _, code := range []string{
			"import os\nprint('bye')\nos._exit(1)",
			"import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
			"import os\nos.abort()", // no memory limit: a crash like any other
		} {
			py(t, s, "x = 1")
			pid := s.pid()
			res := run(t, s, Request{Code: code})
			if res.Outcome != OutcomeKernelRestarted || res.Stderr != MessageKernelRestarted {
				t.Fatalf("%q: outcome %s stderr %q", code, res.Outcome, res.Stderr)
			}
			assertReaped(t, pid)
			if res := run(t, s, Request{Code: "'x' in globals()"}); res.Value.Repr != "False" {
				t.Errorf("after crash: %+v %s", res.Value, res.Stderr)
			}
		}
		// An interpreter that dies between executions is replaced silently.
		pid := s.pid()
		ip := s.ip
		ip.g.kill(notKilled)
		<-ip.g.exited
		if res := py(t, s, "1"); res.Value.Repr != "1" || s.pid() == pid {
			t.Errorf("after idle death: %+v", res.Value)
		}
	})
}

func TestPythonMemoryLimit(t *testing.T) {
	eachStart(t, func(t *testing.T, opts PythonOptions) {
		s, _ := newPySession(t, newPython(t, withMemoryLimit(opts, 256<<20)))
		py(t, s, "x = 7")
		res := run(t, s, Request{Code: "print('allocating')\nb = bytearray(1 << 30)"})
		if res.Outcome != OutcomeMemoryAborted || res.Stderr != MessageMemoryAborted || res.Stdout != "allocating\n" {
			t.Fatalf("outcome %s stdout %q stderr %q", res.Outcome, res.Stdout, res.Stderr)
		}
		// Python recovered from the MemoryError, so the session keeps its state.
		if res := py(t, s, "x"); res.Value.Repr != "7" {
			t.Errorf("state after MemoryError: %+v", res.Value)
		}
		// With a memory limit set, abort() is taken for an allocation failure.
		res = run(t, s, Request{Code: "import os\nos.abort()"})
		if res.Outcome != OutcomeMemoryAborted || res.Stderr != MessageMemoryAborted {
			t.Errorf("abort: outcome %s stderr %q", res.Outcome, res.Stderr)
		}
		if res := py(t, s, "'x' in globals()"); res.Value.Repr != "False" {
			t.Errorf("after abort the interpreter should be fresh: %+v", res.Value)
		}
	})
}

func TestPythonReadySessions(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{ReadySessions: 2})
	waitFor(t, "2 ready interpreters", func() bool { return f.readyCount() == 2 })
	f.mu.Lock()
	readyPIDs := []int{f.ready[0].g.pid, f.ready[1].g.pid}
	f.mu.Unlock()

	dir := realDir(t)
	sess, started, err := f.NewSession(guardCtx(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	if started {
		t.Error("NewSession started a process although 2 were ready")
	}
	s := sess.(*pythonSession)
	if s.pid() != readyPIDs[0] {
		t.Errorf("session pid %d, want the oldest ready one %d", s.pid(), readyPIDs[0])
	}
	if res := py(t, s, "import os\nos.getcwd()"); res.Value.Repr != "'"+dir+"'" {
		t.Errorf("ready interpreter not bound: cwd %s", res.Value.Repr)
	}
	// The one taken is replaced in the background.
	waitFor(t, "refill", func() bool { return f.readyCount() == 2 })
	f.mu.Lock()
	readyPIDs = []int{f.ready[0].g.pid, f.ready[1].g.pid}
	f.mu.Unlock()

	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range readyPIDs {
		assertReaped(t, pid)
	}
	if _, _, err := f.NewSession(guardCtx(t), dir); !errors.Is(err, ErrClosed) {
		t.Errorf("NewSession after Close: %v", err)
	}
	// Sessions handed out outlive the factory, and still recover.
	if res := run(t, s, Request{Code: "import os\nos._exit(0)\n"}); res.Outcome != OutcomeKernelRestarted {
		t.Errorf("outcome %s", res.Outcome)
	}
	if res := py(t, s, "2"); res.Value.Repr != "2" {
		t.Errorf("after factory close: %+v", res.Value)
	}
}

func TestPythonNoReadyStarts(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	s, started, err := f.NewSession(guardCtx(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !started {
		t.Error("started = false without ready interpreters")
	}
	if _, _, err := f.NewSession(guardCtx(t), filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("NewSession accepted a missing dir")
	}
}

func TestPythonSerializes(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	py(t, s, "counter = 0")
	const n = 8
	var wg sync.WaitGroup
	results := make([]Result, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = s.Execute(guardCtx(t), Request{Code: fmt.Sprintf(
				"import time\ncounter += 1\nprint('tok%d')\ntime.sleep(0.01)\n%d", i, i)})
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || results[i].Stdout != fmt.Sprintf("tok%d\n", i) || results[i].Value.Repr != strconv.Itoa(i) {
			t.Errorf("execution %d: %v %+v", i, errs[i], results[i])
		}
	}
	if res := py(t, s, "counter"); res.Value.Repr != strconv.Itoa(n) {
		t.Errorf("counter %s", res.Value.Repr)
	}
}

func TestPythonSessionsRunInParallel(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	a, _ := newPySession(t, f)
	b, _ := newPySession(t, f)
	shared := realDir(t)
	// Each cell announces itself and waits for the other: serialised
	// sessions would both time out.
	cell := func(me, other string) string {
		return fmt.Sprintf("import os, time\nopen(%q, 'w').close()\n"+
			"while not os.path.exists(%q):\n    time.sleep(0.005)\n'met'",
			filepath.Join(shared, me), filepath.Join(shared, other))
	}
	var wg sync.WaitGroup
	var resA, resB Result
	wg.Add(2)
	go func() {
		defer wg.Done()
		resA, _ = a.Execute(guardCtx(t), Request{Code: cell("a", "b"), Timeout: hangGuard / 2})
	}()
	go func() {
		defer wg.Done()
		resB, _ = b.Execute(guardCtx(t), Request{Code: cell("b", "a"), Timeout: hangGuard / 2})
	}()
	wg.Wait()
	if resA.Value.Repr != "'met'" || resB.Value.Repr != "'met'" {
		t.Errorf("a: %s %+v, b: %s %+v", resA.Outcome, resA.Value, resB.Outcome, resB.Value)
	}
}

func TestPythonEmptyKernel(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	py(t, s, "x = 5")
	res := run(t, s, Request{Code: "y = 1\n'x' in globals(), __name__", UseEmptyKernel: true})
	if res.Value.Repr != "(False, '__main__')" {
		t.Errorf("empty kernel sees %s", res.Value.Repr)
	}
	if res := py(t, s, "'y' in globals(), x"); res.Value.Repr != "(False, 5)" {
		t.Errorf("after empty kernel: %s", res.Value.Repr)
	}
}

func TestPythonContextCancel(t *testing.T) {
	t.Parallel()
	s, dir := newPySession(t, newPython(t, PythonOptions{}))
	pid := s.pid()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		_, err := s.Execute(ctx, Request{Code: "import time\nopen('running', 'w').close()\ntime.sleep(30)"})
		errc <- err
	}()
	waitFor(t, "the cell to run", func() bool {
		_, err := os.Stat(filepath.Join(dir, "running"))
		return err == nil
	})
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Execute after cancel: %v", err)
	}
	assertReaped(t, pid)
	if res := py(t, s, "1 + 1"); res.Value.Repr != "2" {
		t.Errorf("after cancel: %+v", res.Value)
	}
}

func TestPythonCloseDuringExecute(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	s, dir := newPySession(t, f)
	pid := s.pid()
	errc := make(chan error, 1)
	go func() {
		_, err := s.Execute(guardCtx(t), Request{Code: "import time\nopen('running', 'w').close()\ntime.sleep(30)"})
		errc <- err
	}()
	waitFor(t, "the cell to run", func() bool {
		_, err := os.Stat(filepath.Join(dir, "running"))
		return err == nil
	})
	var wg sync.WaitGroup
	for range 3 { // concurrent Closes all return once the process is gone
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.Close(); err != nil {
				t.Error(err)
			}
			assertReaped(t, pid)
		}()
	}
	wg.Wait()
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("Execute interrupted by Close: %v", err)
	}
	if _, err := s.Execute(guardCtx(t), Request{Code: "1"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Execute after Close: %v", err)
	}
}

// TestPythonNoLeaks is not parallel, so it can count goroutines.
func TestPythonNoLeaks(t *testing.T) {
	t.Run("spawned", func(t *testing.T) { testNoLeaks(t, false) })
	t.Run("forked", func(t *testing.T) { testNoLeaks(t, true) })
}

func testNoLeaks(t *testing.T, fork bool) {
	before := runtime.NumGoroutine()
	f, err := NewPython(PythonOptions{ReadySessions: 1, spawn: !fork})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a ready interpreter", func() bool { return f.readyCount() == 1 })
	sess, _, err := f.NewSession(guardCtx(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := sess.(*pythonSession)
	// A subprocess of the user's code dies with the session, and so does
	// one that is still running when its parent interpreter crashes.
	res := py(t, s, "import subprocess\np = subprocess.Popen(['sleep', '300'])\np.pid")
	first := atoiPid(t, res.Value.Repr)
	killAtCleanup(t, first, "sleep")
	res = py(t, s, "q = subprocess.Popen(['sleep', '300'])\nq.pid")
	orphan := atoiPid(t, res.Value.Repr)
	killAtCleanup(t, orphan, "sleep")
	pid := s.pid()
	if res := run(t, s, Request{Code: "import os\nos._exit(3)"}); res.Outcome != OutcomeKernelRestarted {
		t.Fatalf("outcome %s", res.Outcome)
	}
	assertReaped(t, pid)
	waitGone(t, first)
	waitGone(t, orphan)
	res = py(t, s, "import subprocess\np = subprocess.Popen(['sleep', '300'])\np.pid")
	child := atoiPid(t, res.Value.Repr)
	killAtCleanup(t, child, "sleep")
	pid = s.pid()
	waitFor(t, "refill", func() bool { return f.readyCount() == 1 })
	f.mu.Lock()
	readyPID := f.ready[0].g.pid
	f.mu.Unlock()

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	assertReaped(t, pid)
	assertReaped(t, readyPID)
	waitGone(t, child)
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}

func TestPythonInfo(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	info, err := f.Info(guardCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if info.RuntimeName != "python" || info.KernelName != "python3" || !strings.HasPrefix(info.RuntimeVersion, "3.") {
		t.Errorf("info %+v", info)
	}
	for i := 1; i < len(info.Packages); i++ {
		if strings.ToLower(info.Packages[i-1].Name) >= strings.ToLower(info.Packages[i].Name) {
			t.Errorf("packages not sorted: %v", info.Packages)
			break
		}
	}
	again, err := f.Info(guardCtx(t))
	if err != nil || again.RuntimeVersion != info.RuntimeVersion || len(again.Packages) != len(info.Packages) {
		t.Errorf("second Info differs: %+v %v", again, err)
	}
}

func TestPythonWithoutMatplotlib(t *testing.T) {
	t.Parallel()
	if hasMatplotlib() {
		t.Skip("python3 has matplotlib")
	}
	// Without matplotlib the import fails like any import, and the
	// session carries on without images.
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	res := run(t, s, Request{Code: "import matplotlib.pyplot as plt"})
	if res.Outcome != OutcomeFailed || !strings.Contains(res.Stderr, "ModuleNotFoundError") {
		t.Errorf("outcome %s stderr %q", res.Outcome, res.Stderr)
	}
	if res := py(t, s, "1"); res.Value.Image != nil || res.Value.Repr != "1" {
		t.Errorf("value %+v", res.Value)
	}
}

func TestPythonMatplotlib(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{Python: kernelPython(t)}))
	res := py(t, s, "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.show()")
	img := res.Value.Image
	if img == nil || img.Format != "png" || !strings.HasPrefix(img.Base64Data, "iVBORw0KGgo") {
		t.Fatalf("value %+v", res.Value)
	}
	if res.Stderr != "" {
		t.Errorf("stderr %q", res.Stderr)
	}
	// Figures are closed after being reported.
	if res := py(t, s, "len(plt.get_fignums())"); res.Value.Image != nil || res.Value.Repr != "0" {
		t.Errorf("value %+v", res.Value)
	}
}

// TestPythonProcessThatLeftTheGroupIsKilledWithTheSession: processes that
// left the group (setsid) or were orphaned by a double fork, even with an
// empty environment, are gone once Close returns: the session's supervisor
// is their subreaper, kills them and reaps them before it exits.
func TestPythonProcessThatLeftTheGroupIsKilledWithTheSession(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{}))
	res := py(t, s, strings.Join([]string{
		"import os, subprocess, time",
		"p = subprocess.Popen(['sleep', '300'], start_new_session=True)",
		"r, w = os.pipe()",
		"if os.fork() == 0:",
		"    os.setsid()",
		"    q = subprocess.Popen(['sleep', '300'], env={}, start_new_session=True)",
		"    os.write(w, b'%d' % q.pid)",
		"    os._exit(0)",
		"os.close(w)",
		"print(p.pid)",
		"print(os.read(r, 32).decode())",
	}, "\n"))
	lines := strings.Fields(res.Stdout)
	if len(lines) != 2 {
		t.Fatalf("%+v", res)
	}
	pids := []int{atoiPid(t, lines[0]), atoiPid(t, lines[1])}
	for _, pid := range pids {
		killAtCleanup(t, pid, "sleep")
		if processGone(pid) {
			t.Fatalf("process %d is already gone: the test proves nothing", pid)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if !processGone(pid) {
			t.Errorf("process %d outlived Close", pid)
		}
	}
}

func TestPythonSymlinkIntoTheAreaIsRelative(t *testing.T) {
	s, dir := newPySession(t, newPython(t, PythonOptions{}))
	res := py(t, s, strings.Join([]string{
		"import os",
		"open('/mnt/data/a.txt', 'w').write('hello')",
		"os.makedirs('/mnt/data/sub')",
		"os.symlink('/mnt/data/a.txt', '/mnt/data/b.txt')",
		"os.symlink('/mnt/data/a.txt', '/mnt/data/sub/c.txt')",
		"os.symlink('/etc/hostname', '/mnt/data/outside')",
		"print(os.readlink('/mnt/data/b.txt'), os.readlink('/mnt/data/sub/c.txt'), open('/mnt/data/sub/c.txt').read())",
	}, "\n"))
	if res.Stdout != "a.txt ../a.txt hello\n" {
		t.Fatalf("%+v", res)
	}
	// On the host the links stay inside the session dir, where the Files
	// API can follow them.
	for link, want := range map[string]string{"b.txt": "a.txt", "sub/c.txt": "../a.txt", "outside": "/etc/hostname"} {
		got, err := os.Readlink(filepath.Join(dir, link))
		if err != nil || got != want {
			t.Errorf("%s -> %q (%v), want %q", link, got, err, want)
		}
	}
}
