//go:build linux

package runtime

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// zygotePid returns the pid of the factory's zygote, 0 if it has none.
func zygotePid(f *PythonFactory) int {
	if z := currentZygote(f); z != nil {
		return z.g.pid
	}
	return 0
}

// currentZygote returns the factory's zygote, nil when it has none.
func currentZygote(f *PythonFactory) *zygote {
	f.zygotes.mu.Lock()
	defer f.zygotes.mu.Unlock()
	return f.zygotes.z
}

// newForkedSession returns a session of f on a fresh temp dir, as
// newPySession does, and f's zygote, skipping the test where f has none.
func newForkedSession(t *testing.T, f *PythonFactory) (*pythonSession, string, *zygote) {
	t.Helper()
	s, dir := newPySession(t, f)
	z := currentZygote(f)
	if z == nil {
		t.Skip("not forked")
	}
	return s, dir, z
}

// ppid reads the parent of pid from /proc.
func ppid(t *testing.T, pid int) int {
	t.Helper()
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return atoiPid(t, fields[1])
}

// TestZygoteServesABurst: a burst of new sessions, more than the ready
// interpreters, is served by forks of the zygote, none by spawning Python;
// every session's supervisor is the zygote's child.
func TestZygoteServesABurst(t *testing.T) {
	t.Parallel()
	const ready, burst = 2, 12
	f := newPython(t, PythonOptions{ReadySessions: ready})
	waitFor(t, "the ready interpreters", func() bool { return f.readyCount() == ready })
	sessions := make([]*pythonSession, burst)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Go(func() { sessions[i], _ = newPySession(t, f) })
	}
	wg.Wait()
	zygote := zygotePid(f)
	for i, s := range sessions {
		if s == nil {
			t.FailNow() // newPySession reported why
		}
		if res := py(t, s, fmt.Sprintf("%d * 3", i)); res.Value.Repr != strconv.Itoa(i*3) {
			t.Errorf("session %d: value %q", i, res.Value.Repr)
		}
		if p := ppid(t, s.pid()); p != zygote {
			t.Errorf("session %d: supervisor %d has parent %d, want the zygote %d", i, s.pid(), p, zygote)
		}
	}
	if spawns, forks := f.spawns.Load(), f.forks.Load(); spawns != 0 || forks < burst {
		t.Errorf("%d interpreters spawned and %d forked for a burst of %d; want 0 and at least %d", spawns, forks, burst, burst)
	}
}

// TestZygoteChildrenAreSessionsOfTheirOwn: forked interpreters share
// nothing: each has its own namespace, process group and group tag (in
// /proc, where the sweep looks, and in what its subprocesses inherit).
func TestZygoteChildrenAreSessionsOfTheirOwn(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	a, _ := newPySession(t, f)
	b, _ := newPySession(t, f)
	py(t, a, "x = 1")
	if res := py(t, b, "'x' in globals()"); res.Value.Repr != "False" {
		t.Errorf("a variable of one forked session is seen in another")
	}
	for _, s := range []*pythonSession{a, b} {
		tag := s.ip.g.tag
		if pgid, err := syscall.Getpgid(s.pid()); err != nil || pgid != s.pid() {
			t.Errorf("supervisor %d is in group %d (%v), want its own", s.pid(), pgid, err)
		}
		env, err := os.ReadFile("/proc/" + strconv.Itoa(s.pid()) + "/environ")
		if err != nil || !hasEnvEntry(env, []byte(groupTagEnv+"="+tag+"\x00")) {
			t.Errorf("supervisor %d does not show its tag %s in /proc (%v)", s.pid(), tag, err)
		}
		res := py(t, s, "import subprocess\nprint(subprocess.run(['sh', '-c', 'echo $"+groupTagEnv+"'], capture_output=True, text=True).stdout, end='')")
		if res.Stdout != tag+"\n" {
			t.Errorf("a subprocess inherited tag %q, want %q", res.Stdout, tag)
		}
	}
	if a.ip.g.tag == b.ip.g.tag {
		t.Error("two sessions share a group tag")
	}
}

// TestZygoteReplacedWhenItDies: sessions forked by a zygote that died live
// on (and restart after a crash); the next start has a new zygote fork.
func TestZygoteReplacedWhenItDies(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	s, _ := newPySession(t, f)
	py(t, s, "x = 41")
	old := currentZygote(f)
	if err := syscall.Kill(old.g.pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-old.g.exited
	if res := py(t, s, "x + 1"); res.Value.Repr != "42" {
		t.Errorf("after the zygote died: %+v", res.Value)
	}
	s2, _ := newPySession(t, f)
	py(t, s2, "1")
	if p := zygotePid(f); p == 0 || p == old.g.pid || ppid(t, s2.pid()) != p {
		t.Errorf("the new session's parent is %d, the zygote now %d, before %d", ppid(t, s2.pid()), p, old.g.pid)
	}
	if res := run(t, s, Request{Code: "import os\nos._exit(3)"}); res.Outcome != OutcomeKernelRestarted {
		t.Errorf("crash of an orphaned session: %s", res.Outcome)
	}
	if res := py(t, s, "'x' in globals()"); res.Value.Repr != "False" {
		t.Errorf("after the crash: %+v", res.Value)
	}
	if spawns, forks := f.spawns.Load(), f.forks.Load(); spawns != 0 || forks != 3 {
		t.Errorf("%d spawned, %d forked; want 0 and 3", spawns, forks)
	}
}

// TestZygoteThatCannotStartLeavesSpawning: when the zygote does not start,
// interpreters are spawned, and the zygote is not tried again at once.
func TestZygoteThatCannotStartLeavesSpawning(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	f.zygotes.program = "import sys\nsys.exit('no zygote here')"
	for i := range 2 {
		s, _ := newPySession(t, f)
		py(t, s, "1")
		if spawns, forks := f.spawns.Load(), f.forks.Load(); spawns != int64(i+1) || forks != 0 {
			t.Fatalf("session %d: %d spawned, %d forked", i, spawns, forks)
		}
	}
	if zygotePid(f) != 0 {
		t.Error("a zygote is running")
	}
}

// TestZygoteThatCannotForkLeavesSpawning: a zygote that refuses to fork
// (it would fork with threads running) is dropped and Python spawned.
func TestZygoteThatCannotForkLeavesSpawning(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	f.zygotes.program = strings.Replace(zygoteSource, "def _single_threaded():",
		"def _single_threaded():\n    return False\n\n\ndef _unused():", 1)
	s, _ := newPySession(t, f)
	py(t, s, "1")
	if spawns, forks := f.spawns.Load(), f.forks.Load(); spawns != 1 || forks != 0 {
		t.Errorf("%d spawned, %d forked", spawns, forks)
	}
	if zygotePid(f) != 0 {
		t.Error("the zygote that cannot fork is still used")
	}
}

// TestZygoteMemoryAbort: a forked interpreter's abort() under a memory
// limit is told from a crash: the zygote reports how its child died.
func TestZygoteMemoryAbort(t *testing.T) {
	t.Parallel()
	s, _ := newPySession(t, newPython(t, PythonOptions{MemoryLimitBytes: 256 << 20}))
	res := run(t, s, Request{Code: "import os\nos.abort()"})
	if res.Outcome != OutcomeMemoryAborted || res.Stderr != MessageMemoryAborted {
		t.Errorf("abort: outcome %s stderr %q", res.Outcome, res.Stderr)
	}
	if res := run(t, s, Request{Code: "import os\nos._exit(3)"}); res.Outcome != OutcomeKernelRestarted {
		t.Errorf("exit: outcome %s", res.Outcome)
	}
}

// TestZygoteOutlivesTheFactoryForItsSessions: a closed factory's zygote
// forks no more, and exits once the sessions it forked are gone, having
// reaped them.
func TestZygoteOutlivesTheFactoryForItsSessions(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	s, _, z := newForkedSession(t, f)
	py(t, s, "1")
	pid := s.pid()
	f.Close()
	if res := py(t, s, "2"); res.Value.Repr != "2" {
		t.Errorf("after the factory closed: %+v", res.Value)
	}
	select {
	case <-z.g.exited:
		t.Fatal("the zygote exited before its session")
	default:
	}
	s.Close()
	<-z.g.exited
	assertReaped(t, pid)
}

// TestZygoteIPythonShellsStartFresh: the zygote's IPython shell has run
// nothing its children can see: each forked session counts its cells from
// one and has an empty history and its own namespace.
func TestZygoteIPythonShellsStartFresh(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{Python: kernelPython(t), Kernel: KernelIPython})
	a, _ := newPySession(t, f)
	py(t, a, "y = 5")
	py(t, a, "y")
	b, _ := newPySession(t, f)
	for _, s := range []*pythonSession{a, b} {
		if !s.ip.ipython {
			t.Fatal("the session does not run IPython")
		}
	}
	res := py(t, b, "(get_ipython().execution_count, len(In), len(Out), 'y' in globals())")
	if res.Value.Repr != "(1, 2, 0, False)" {
		t.Errorf("the first cell of a forked IPython session sees %s, want (1, 2, 0, False)", res.Value.Repr)
	}
	if res := py(t, a, "get_ipython().execution_count"); res.Value.Repr != "3" {
		t.Errorf("the other session counts %s cells", res.Value.Repr)
	}
	if spawns := f.spawns.Load(); spawns != 0 {
		t.Errorf("%d interpreters spawned", spawns)
	}
}

// TestZygoteKeptWhenAChildFails: an interpreter that fails its start after
// the fork (here: it exits at once) is replaced by a spawned one, and the
// zygote, which did its part, is kept.
func TestZygoteKeptWhenAChildFails(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	f.zygotes.program = strings.Replace(zygoteSource, "        os._exit(70)\n    _run_session()\n",
		"        os._exit(70)\n    os._exit(71)\n", 1)
	var zygote int
	for i := range 2 {
		s, _ := newPySession(t, f)
		py(t, s, "1")
		if spawns, forks := f.spawns.Load(), f.forks.Load(); spawns != int64(i+1) || forks != 0 {
			t.Fatalf("session %d: %d spawned, %d forked", i, spawns, forks)
		}
		if i == 0 {
			zygote = zygotePid(f)
		}
		if p := zygotePid(f); p == 0 || p != zygote {
			t.Fatalf("session %d: zygote %d, first %d", i, p, zygote)
		}
	}
}

// TestZygoteSessionsKeepTheirForkHandlers: the zygote turns off the fork
// handlers of threading, random and logging for its own forks (here it has
// loaded them, as a .pth file or IPython may); each forked session has
// them back: its random sequence is its own, random.seed works, logging's
// module lock is free for its threads (the supervisor's fork took it), a
// fork in its code cleans up after the cell's threads (the child counts
// one thread, its own), and threading knows its main thread by the
// interpreter's own thread id.
func TestZygoteSessionsKeepTheirForkHandlers(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	f.zygotes.program = "import logging, random, threading\n" + zygoteSource
	a, _ := newPySession(t, f)
	b, _ := newPySession(t, f)
	if forks := f.forks.Load(); forks < 2 {
		t.Skipf("%d interpreters forked", forks)
	}
	ra := py(t, a, "import random\nrandom.random()")
	rb := py(t, b, "import random\nrandom.random()")
	if ra.Value.Repr == "" || ra.Value.Repr == rb.Value.Repr {
		t.Errorf("two forked sessions drew the same random numbers: %q, %q", ra.Value.Repr, rb.Value.Repr)
	}
	if res := py(t, a, "random.seed(7)\nrandom.random()"); res.Value.Repr != "0.32383276483316237" {
		t.Errorf("random.seed(7) then random.random() gave %q", res.Value.Repr)
	}
	lock := `import logging, threading
free = []
def take():
    free.append(logging._lock.acquire(blocking=False))
    if free[-1]:
        logging._lock.release()
thread = threading.Thread(target=take)
thread.start()
thread.join()
free`
	for _, s := range []*pythonSession{a, b} {
		if res := py(t, s, lock); res.Value.Repr != "[True]" {
			t.Errorf("a thread of a forked session could not take logging's lock: %s, want [True]", res.Value.Repr)
		}
	}
	code := `import os, threading
done = threading.Event()
threading.Thread(target=done.wait, daemon=True).start()
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(w, b"%d" % threading.active_count())
    os._exit(0)
os.waitpid(pid, 0)
done.set()
os.read(r, 16).decode()`
	if res := py(t, b, code); res.Value.Repr != "'1'" {
		t.Errorf("the child of a fork in a cell counts %s threads, want '1'", res.Value.Repr)
	}
	// threading's record of the main thread is the session's, not the
	// zygote's: its native id is the interpreter's own.
	ids := "import os, threading\n(threading.main_thread().native_id == threading.get_native_id() == os.getpid(), threading.current_thread() is threading.main_thread())"
	for _, s := range []*pythonSession{a, b} {
		if res := py(t, s, ids); res.Value.Repr != "(True, True)" {
			t.Errorf("threading's main thread in a forked session: %s, want (True, True)", res.Value.Repr)
		}
	}
}
