//go:build unix

package runtime

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// newPython starts a factory; the plain kernel unless opts asks for
// another, so that the plain driver is what most tests test even where
// python3 has IPython.
func newPython(t *testing.T, opts PythonOptions) *PythonFactory {
	t.Helper()
	if opts.Kernel == KernelAuto {
		opts.Kernel = KernelPlain
	}
	f, err := NewPython(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// eachStart runs test twice in parallel subtests: with interpreters
// forked by a zygote (the default) and spawned (where no zygote can run,
// and the fallback when it fails).
func eachStart(t *testing.T, test func(t *testing.T, opts PythonOptions)) {
	t.Helper()
	t.Parallel()
	for _, spawn := range []bool{false, true} {
		name := "forked"
		if spawn {
			name = "spawned"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			test(t, PythonOptions{spawn: spawn})
		})
	}
}

// newPySession returns a session on a fresh temp dir (resolved, so it can be
// compared with what Python reports).
func newPySession(t *testing.T, f *PythonFactory) (*pythonSession, string) {
	t.Helper()
	dir := realDir(t)
	s, _, err := f.NewSession(guardCtx(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.(*pythonSession), dir
}

func realDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func run(t *testing.T, s Session, req Request) Result {
	t.Helper()
	res, err := s.Execute(guardCtx(t), req)
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	return res
}

// py runs code and requires it to succeed.
func py(t *testing.T, s Session, code string) Result {
	t.Helper()
	res := run(t, s, Request{Code: code})
	if res.Outcome != OutcomeSucceeded {
		t.Fatalf("outcome %s, stderr:\n%s", res.Outcome, res.Stderr)
	}
	return res
}

func processGone(pid int) bool {
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// assertReaped checks that a child we started and reaped no longer exists.
func assertReaped(t *testing.T, pid int) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("bad pid %d", pid)
	}
	if !processGone(pid) {
		t.Errorf("process %d still exists", pid)
	}
}

// waitGone waits for a grandchild to disappear: once killed it is reaped by
// init (or a subreaper) on its own schedule.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	waitFor(t, "process to disappear", func() bool { return deadOrZombie(pid) })
}

// deadOrZombie tells whether pid has exited: a zombie awaiting its reaper
// is dead too.
func deadOrZombie(pid int) bool {
	if processGone(pid) {
		return true
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	return err == nil && zombie(string(stat))
}

// killAtCleanup kills pid when the test ends, if it is still a process
// running prog: a test that fails before the emulator killed what the
// test's code started must not leave it behind. The name check keeps a
// recycled pid of another program safe.
func killAtCleanup(t *testing.T, pid int, prog string) {
	t.Helper()
	t.Cleanup(func() {
		cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if err != nil {
			return
		}
		argv0, _, _ := strings.Cut(string(cmdline), "\x00")
		if filepath.Base(argv0) == prog {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
}

// atoiPid parses a pid the test's code printed, failing the test when it
// is not one.
func atoiPid(t *testing.T, s string) int {
	t.Helper()
	pid, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || pid <= 0 {
		t.Fatalf("not a pid: %q", s)
	}
	return pid
}

func zombie(stat string) bool {
	i := strings.LastIndexByte(stat, ')')
	return i >= 0 && strings.HasPrefix(stat[i+1:], " Z")
}

func hasMatplotlib() bool {
	return exec.Command("python3", "-c", "import matplotlib").Run() == nil
}

// testMarkEnv is the variable tests put in the environment of processes
// their shell commands start, so that the test can find them on the host:
// in pid mode the pids a command prints ($$, $!) are its namespace's.
const testMarkEnv = "AZSESSIONS_TEST_MARK"

var marks atomic.Int64

// newMark returns a mark no other test of any process uses, and kills
// whatever carries it when the test ends.
func newMark(t *testing.T) string {
	t.Helper()
	mark := fmt.Sprintf("%d-%d", os.Getpid(), marks.Add(1))
	t.Cleanup(func() {
		for _, pid := range marked(mark) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	return mark
}

// marked returns the host pids of the live (not zombie) processes whose
// environment carries mark; none where there is no /proc.
func marked(mark string) []int {
	entry := []byte(testMarkEnv + "=" + mark + "\x00")
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil || !hasEnvEntry(env, entry) {
			continue
		}
		if stat, err := os.ReadFile("/proc/" + e.Name() + "/stat"); err == nil && !zombie(string(stat)) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// waitMarkedGone waits until no live process carries mark.
func waitMarkedGone(t *testing.T, mark string) {
	t.Helper()
	waitFor(t, "the marked processes to disappear", func() bool { return len(marked(mark)) == 0 })
}

// bgGone waits until the background process a command started is gone:
// by the pid it printed in cwd-only mode, by its mark in namespace mode
// (where the printed pid is the namespace's, not the host's).
func bgGone(t *testing.T, ns bool, printed, mark string) {
	t.Helper()
	if ns {
		waitMarkedGone(t, mark)
		return
	}
	pid := atoiPid(t, printed)
	killAtCleanup(t, pid, "sleep")
	waitGone(t, pid)
}

func withMemoryLimit(opts PythonOptions, limit int64) PythonOptions {
	opts.MemoryLimitBytes = limit
	return opts
}
