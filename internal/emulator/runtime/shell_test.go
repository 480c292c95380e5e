//go:build unix

package runtime

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// shellMode is how a test's shell factory runs commands.
type shellMode string

const (
	modeNS   shellMode = "namespace" // skipped where the host has none
	modeCwd  shellMode = "cwd-only"  // under the supervisor, where python3 is
	modeBare shellMode = "cwd-bare"  // cwd-only without a supervisor
)

// shellModes runs test in every mode, the fallbacks forced by dropping the
// factory's namespace tools and supervisor.
func shellModes(t *testing.T, test func(t *testing.T, m shellMode)) {
	for _, m := range []shellMode{modeNS, modeCwd, modeBare} {
		t.Run(string(m), func(t *testing.T) {
			t.Parallel()
			test(t, m)
		})
	}
}

func newShellFactory(t *testing.T, m shellMode) *ShellFactory {
	t.Helper()
	f, err := NewShell(ShellOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	switch {
	case m != modeNS:
		f.ns = nil
	case f.ns == nil:
		t.Skipf("namespace mode unavailable: %v", f.nsErr)
	}
	if m == modeBare {
		f.supOnce.Do(func() {})
	}
	return f
}

// newShellSession returns a session on a fresh dir, the dir, and where
// commands see it: /mnt/data in namespace mode, the dir itself otherwise.
func newShellSession(t *testing.T, m shellMode) (Session, string, string) {
	t.Helper()
	s, dir := newShellSessionOf(t, newShellFactory(t, m))
	seen := dir
	if m == modeNS {
		seen = sandboxDir
	}
	return s, dir, seen
}

func newShellSessionOf(t *testing.T, f *ShellFactory) (Session, string) {
	t.Helper()
	dir := realDir(t)
	s, started, err := f.NewSession(guardCtx(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	if started {
		t.Error("shell NewSession reports a started process")
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestShellExitCodes(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, _, _ := newShellSession(t, m)
		for cmd, want := range map[string]int{"true": 0, "exit 3": 3, "false": 1, "kill -9 $$": 128 + 9} {
			res := run(t, s, Request{ShellCommand: cmd})
			if res.Outcome != OutcomeSucceeded || res.ExitCode != want {
				t.Errorf("%q: outcome %s exit %d, want %d", cmd, res.Outcome, res.ExitCode, want)
			}
		}
		res := run(t, s, Request{ShellCommand: "echo out; echo err >&2; exit 2"})
		if res.Stdout != "out\n" || res.Stderr != "err\n" || res.ExitCode != 2 {
			t.Errorf("%+v", res)
		}
	})
}

func TestShellStdin(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, _, _ := newShellSession(t, m)
		if res := run(t, s, Request{ShellCommand: "tr a-z A-Z", Stdin: "hello"}); res.Stdout != "HELLO" {
			t.Errorf("stdout %q", res.Stdout)
		}
		// Input the command never reads does not block it.
		big := strings.Repeat("x", 1<<20)
		if res := run(t, s, Request{ShellCommand: "echo done", Stdin: big}); res.Stdout != "done\n" {
			t.Errorf("stdout %q", res.Stdout)
		}
		if res := run(t, s, Request{ExecCommandAndArgs: []string{"wc", "-c"}, Stdin: big}); strings.TrimSpace(res.Stdout) != strconv.Itoa(len(big)) {
			t.Errorf("wc: %q", res.Stdout)
		}
	})
}

func TestShellExecCommandAndArgs(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, dir, seen := newShellSession(t, m)
		res := run(t, s, Request{ExecCommandAndArgs: []string{"printf", "%s|%s", "a b", "$HOME"}})
		if res.Outcome != OutcomeSucceeded || res.Stdout != "a b|$HOME" {
			t.Errorf("no shell expected: %+v", res)
		}
		if res := run(t, s, Request{ExecCommandAndArgs: []string{"pwd"}}); res.Stdout != seen+"\n" {
			t.Errorf("pwd %q, want %q", res.Stdout, seen)
		}
		res = run(t, s, Request{ExecCommandAndArgs: []string{"no-such-command-azs"}})
		if res.Outcome != OutcomeFailed || res.ExitCode != 127 || res.Stderr == "" {
			t.Errorf("missing command: %+v", res)
		}
		if err := os.WriteFile(filepath.Join(dir, "noexec.sh"), []byte("echo hi\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		res = run(t, s, Request{ExecCommandAndArgs: []string{"./noexec.sh"}})
		if res.Outcome != OutcomeFailed || res.ExitCode != 126 {
			t.Errorf("not executable: %+v", res)
		}
		if _, err := s.Execute(guardCtx(t), Request{}); err == nil {
			t.Error("empty request accepted")
		}
	})
}

// TestShellCwdAndHome: pwd, $HOME, $PWD and a program's getcwd (env pwd)
// agree: /mnt/data in namespace mode, the area's host path in cwd-only
// mode, where nothing can make /mnt/data name it (docs/emulator.md).
func TestShellCwdAndHome(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, dir, seen := newShellSession(t, m)
		res := run(t, s, Request{ShellCommand: "pwd; echo $HOME; echo $PWD; env pwd; echo hi > f.txt"})
		if want := strings.Repeat(seen+"\n", 4); res.Stdout != want {
			t.Errorf("stdout %q, want %q", res.Stdout, want)
		}
		if b, err := os.ReadFile(filepath.Join(dir, "f.txt")); err != nil || string(b) != "hi\n" {
			t.Errorf("f.txt %q %v", b, err)
		}
	})
}

func TestShellOutputCap(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, _, _ := newShellSession(t, m)
		res := run(t, s, Request{ShellCommand: "head -c 3000000 /dev/zero | tr '\\0' a; printf 'é%.0s' $(seq 5000) >&2", MaxOutput: 10})
		if res.Stdout != "aaaaaaaaaa" || res.StdoutFull != 3000000 {
			t.Errorf("stdout %q full %d", res.Stdout, res.StdoutFull)
		}
		if res.Stderr != strings.Repeat("é", 10) || res.StderrFull != 5000 {
			t.Errorf("stderr %q full %d", res.Stderr, res.StderrFull)
		}
		res = run(t, s, Request{ShellCommand: "head -c 5000 /dev/zero | tr '\\0' b"})
		if len(res.Stdout) != 4096 || res.StdoutFull != 5000 {
			t.Errorf("default cap: %d, full %d", len(res.Stdout), res.StdoutFull)
		}
	})
}

// TestShellTimeout: a command that outlives its timeout is killed with its
// background job, and what it wrote before is kept.
func TestShellTimeout(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, dir, _ := newShellSession(t, m)
		mark := newMark(t)
		pid := timedOutWithBackgroundJob(t, s, dir, mark)
		bgGone(t, m == modeNS, pid, mark)
		if res := run(t, s, Request{ShellCommand: "echo again"}); res.Stdout != "again\n" {
			t.Errorf("after timeout: %+v", res)
		}
	})
}

// timedOutWithBackgroundJob runs a command that prints "started", starts a
// background job carrying mark, writes its pid to bg.pid in the session's
// dir and sleeps past its timeout; it requires the timeout's outcome and
// output, and returns the pid written. The timeout counts from the
// command's start, which in namespace mode includes setting the namespaces
// up: on a loaded machine that alone can outlast a short timeout (a loaded
// run saw the command killed before its first echo), and a command killed
// before it wrote anything proves nothing. So the timeout doubles until a
// try got as far as writing the pid; tries are counted, not timed.
func timedOutWithBackgroundJob(t *testing.T, s Session, dir, mark string) string {
	t.Helper()
	pidFile := filepath.Join(dir, "bg.pid")
	cmd := "echo started; " + testMarkEnv + "=" + mark + " sleep 300 & echo $! > bg.pid; sleep 300"
	for timeout := 2 * time.Second; ; timeout *= 2 {
		_ = os.Remove(pidFile)
		res := run(t, s, Request{ShellCommand: cmd, Timeout: timeout})
		if res.Outcome != OutcomeTimedOut || res.Stderr != MessageTimedOut {
			t.Fatalf("%+v", res)
		}
		b, err := os.ReadFile(pidFile)
		if (errors.Is(err, fs.ErrNotExist) || len(b) == 0) && timeout < hangGuard/4 {
			continue // killed before it got that far
		}
		if err != nil {
			t.Fatal(err)
		}
		if res.Stdout != "started\n" {
			t.Fatalf("the output before the timeout is lost: %+v", res)
		}
		return string(b)
	}
}

func TestShellBackgroundKilledAtExit(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, _, _ := newShellSession(t, m)
		// The background job keeps stdout open; the execution still ends when
		// the command does, and the job is killed with it.
		mark := newMark(t)
		res := run(t, s, Request{ShellCommand: testMarkEnv + "=" + mark + " sleep 300 & echo $!"})
		if res.ExitCode != 0 {
			t.Fatalf("%+v", res)
		}
		bgGone(t, m == modeNS, res.Stdout, mark)
	})
}

func TestShellCancelAndClose(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, dir, _ := newShellSession(t, m)
		started := func() bool {
			_, err := os.Stat(filepath.Join(dir, "running"))
			return err == nil
		}
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() {
			_, err := s.Execute(ctx, Request{ShellCommand: "touch running; sleep 30"})
			errc <- err
		}()
		waitFor(t, "the command to run", started)
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Errorf("after cancel: %v", err)
		}
		os.Remove(filepath.Join(dir, "running"))
		go func() {
			_, err := s.Execute(guardCtx(t), Request{ShellCommand: "touch running; sleep 30"})
			errc <- err
		}()
		waitFor(t, "the command to run", started)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := <-errc; !errors.Is(err, ErrClosed) {
			t.Errorf("interrupted by Close: %v", err)
		}
		if _, err := s.Execute(guardCtx(t), Request{ShellCommand: "true"}); !errors.Is(err, ErrClosed) {
			t.Errorf("after Close: %v", err)
		}
	})
}

func TestShellInfo(t *testing.T) {
	t.Parallel()
	f, err := NewShell(ShellOptions{})
	if err != nil {
		t.Fatal(err)
	}
	info, err := f.Info(guardCtx(t))
	if err != nil {
		t.Fatal(err)
	}
	if info.RuntimeName != "bash" || info.RuntimeVersion == "" || strings.ContainsAny(info.RuntimeVersion, "()- ") {
		t.Errorf("info %+v", info)
	}
	f.Close()
	if _, _, err := f.NewSession(guardCtx(t), t.TempDir()); !errors.Is(err, ErrClosed) {
		t.Errorf("NewSession after Close: %v", err)
	}
}

// nsSession returns a namespace-mode session (skipping where there is
// none) and its dir.
func nsSession(t *testing.T) (Session, string) {
	t.Helper()
	return newShellSessionOf(t, newShellFactory(t, modeNS))
}

func TestShellMntData(t *testing.T) {
	t.Parallel()
	s, dir := nsSession(t)
	if err := os.WriteFile(filepath.Join(dir, "x"), []byte("from the dir"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, req := range []Request{
		{ShellCommand: "cat /mnt/data/x"},
		{ShellCommand: "cat x"},
		{ShellCommand: "cd /tmp && cat ../mnt/data/./x"},
		{ExecCommandAndArgs: []string{"cat", "/mnt/data/x"}},
		{ExecCommandAndArgs: []string{"cat", "x"}},
	} {
		if res := run(t, s, req); res.Outcome != OutcomeSucceeded || res.ExitCode != 0 || res.Stdout != "from the dir" {
			t.Errorf("%q%q: %+v", req.ShellCommand, req.ExecCommandAndArgs, res)
		}
	}
	res := run(t, s, Request{ShellCommand: "echo hi > /mnt/data/out.txt && mkdir sub && echo there > sub/f && pwd && echo $HOME $PWD && id -u"})
	if res.ExitCode != 0 || res.Stdout != "/mnt/data\n/mnt/data /mnt/data\n0\n" {
		t.Errorf("%+v", res)
	}
	for name, want := range map[string]string{"out.txt": "hi\n", "sub/f": "there\n"} {
		path := filepath.Join(dir, name)
		if b, err := os.ReadFile(path); err != nil || string(b) != want {
			t.Errorf("%s: %q %v", name, b, err)
		}
		// Root inside, the emulator's own user on the host.
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != os.Getuid() || int(st.Gid) != os.Getgid() {
			t.Errorf("%s owned by %d:%d, want %d:%d", name, st.Uid, st.Gid, os.Getuid(), os.Getgid())
		}
	}
	// Neither the prelude's variables nor its status channel reach the
	// user's command.
	res = run(t, s, Request{ShellCommand: "set | grep -E '^(d|m|k|o|s)=' ; test -e /proc/$$/fd/3 && echo fd3 leaked; echo ${OLDPWD-no OLDPWD}"})
	if res.Stdout != "no OLDPWD\n" {
		t.Errorf("prelude leaks: %q", res.Stdout)
	}
}

func TestShellMntDataIsolated(t *testing.T) {
	t.Parallel()
	f := newShellFactory(t, modeNS)
	a, dirA := newShellSessionOf(t, f)
	b, dirB := newShellSessionOf(t, f)
	for dir, name := range map[string]string{dirA: "a.txt", dirB: "b.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// a holds its namespace open while b runs.
	errc := make(chan error, 1)
	var resA Result
	go func() {
		var err error
		resA, err = a.Execute(guardCtx(t), Request{ShellCommand: "touch running; while [ ! -e release ]; do sleep 0.01; done; ls /mnt/data"})
		errc <- err
	}()
	waitFor(t, "a to run", func() bool {
		_, err := os.Stat(filepath.Join(dirA, "running"))
		return err == nil
	})
	resB := run(t, b, Request{ShellCommand: "ls /mnt/data; touch /mnt/data/release"})
	if resB.Stdout != "b.txt\n" {
		t.Errorf("b sees %q", resB.Stdout)
	}
	if _, err := os.Stat(filepath.Join(dirA, "release")); err == nil {
		t.Error("b wrote into a's dir")
	}
	if err := os.WriteFile(filepath.Join(dirA, "release"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if resA.Stdout != "a.txt\nrelease\nrunning\n" {
		t.Errorf("a sees %q", resA.Stdout)
	}
}

// TestShellHostMntUntouched: the mounts are the execution's own; the host
// gets no /mnt/data (nor loses one it had).
func TestShellHostMntUntouched(t *testing.T) {
	t.Parallel()
	before, errBefore := os.Lstat(sandboxDir)
	s, _ := nsSession(t)
	run(t, s, Request{ShellCommand: "echo x > /mnt/data/f; mkdir /mnt/other"})
	after, errAfter := os.Lstat(sandboxDir)
	if (errBefore == nil) != (errAfter == nil) || errors.Is(errBefore, fs.ErrNotExist) != errors.Is(errAfter, fs.ErrNotExist) {
		t.Fatalf("host /mnt/data: before %v, after %v", errBefore, errAfter)
	}
	if errBefore == nil && (!os.SameFile(before, after) || !before.ModTime().Equal(after.ModTime())) {
		t.Errorf("host /mnt/data changed")
	}
	if _, err := os.Lstat("/mnt/other"); err == nil {
		t.Errorf("host /mnt/other created")
	}
}

// TestShellNamespaceSetupFails: when /mnt/data cannot be set up, the
// execution is an error and the command runs nowhere.
func TestShellNamespaceSetupFails(t *testing.T) {
	t.Parallel()
	s, dir := nsSession(t)
	marker := filepath.Join(t.TempDir(), "ran")
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	_, err := s.Execute(guardCtx(t), Request{ExecCommandAndArgs: []string{"touch", marker}})
	if err == nil || !strings.Contains(err.Error(), "session dir") {
		t.Errorf("err %v", err)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command ran")
	}
}

func TestShellNamespaceProbe(t *testing.T) {
	t.Parallel()
	f := newShellFactory(t, modeNS)
	if _, err := os.Stat(f.ns.mount); err != nil {
		t.Error(err)
	}
	t.Logf("namespace mode, mount %s", f.ns.mount)
}

// shellWithMount returns a factory that probed the host with script as
// mount(8), first in PATH. Its caller must not be parallel: it changes PATH.
func shellWithMount(t *testing.T, script string) *ShellFactory {
	t.Helper()
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "mount"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	f, err := NewShell(ShellOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestShellFallbackWhenSetupFails: where the probe fails (here a mount(8)
// that refuses, as under a policy that denies mounts in user namespaces),
// NewShell picks cwd-only mode and commands still run, in the session dir.
// Not parallel: it changes PATH.
func TestShellFallbackWhenSetupFails(t *testing.T) {
	f := shellWithMount(t, "#!/bin/sh\necho 'mount: permission denied' >&2\nexit 32\n")
	if f.ns != nil || f.nsErr == nil {
		t.Fatalf("namespace mode despite a failing mount: %+v", f)
	}
	if canMountNS && !strings.Contains(f.nsErr.Error(), "permission denied") {
		t.Errorf("probe error %v", f.nsErr)
	}
	s, dir := newShellSessionOf(t, f)
	if res := run(t, s, Request{ShellCommand: "pwd"}); res.Stdout != dir+"\n" {
		t.Errorf("%+v", res)
	}
}

func TestShellProcessThatLeftTheGroupIsKilledAtExit(t *testing.T) {
	if !canSweep {
		t.Skip("needs /proc")
	}
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("no setsid on this host")
	}
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, _, _ := newShellSession(t, m)
		// setsid leaves the process group, which the group kill then misses.
		mark := newMark(t)
		res := run(t, s, Request{ShellCommand: testMarkEnv + "=" + mark + " setsid sleep 300 </dev/null >/dev/null 2>&1 & echo $!"})
		if res.ExitCode != 0 {
			t.Fatalf("%+v", res)
		}
		bgGone(t, m == modeNS, res.Stdout, mark)
	})
}
