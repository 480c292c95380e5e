package runtime

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func newShellSession(t *testing.T) (Session, string) {
	t.Helper()
	f, err := NewShell(ShellOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
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
	s, _ := newShellSession(t)
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
}

func TestShellStdin(t *testing.T) {
	t.Parallel()
	s, _ := newShellSession(t)
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
}

func TestShellExecCommandAndArgs(t *testing.T) {
	t.Parallel()
	s, dir := newShellSession(t)
	res := run(t, s, Request{ExecCommandAndArgs: []string{"printf", "%s|%s", "a b", "$HOME"}})
	if res.Outcome != OutcomeSucceeded || res.Stdout != "a b|$HOME" {
		t.Errorf("no shell expected: %+v", res)
	}
	if res := run(t, s, Request{ExecCommandAndArgs: []string{"pwd"}}); res.Stdout != dir+"\n" {
		t.Errorf("pwd %q, want %q", res.Stdout, dir)
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
}

func TestShellCwdAndHome(t *testing.T) {
	t.Parallel()
	s, dir := newShellSession(t)
	res := run(t, s, Request{ShellCommand: "pwd; echo $HOME; echo hi > f.txt"})
	if res.Stdout != dir+"\n"+dir+"\n" {
		t.Errorf("stdout %q", res.Stdout)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "f.txt")); err != nil || string(b) != "hi\n" {
		t.Errorf("f.txt %q %v", b, err)
	}
}

func TestShellOutputCap(t *testing.T) {
	t.Parallel()
	s, _ := newShellSession(t)
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
}

func TestShellTimeout(t *testing.T) {
	t.Parallel()
	s, dir := newShellSession(t)
	res := run(t, s, Request{ShellCommand: "echo started; sleep 30 & echo $! > bg.pid; sleep 30", Timeout: 2 * time.Second})
	if res.Outcome != OutcomeTimedOut || res.Stderr != MessageTimedOut || res.Stdout != "started\n" {
		t.Fatalf("%+v", res)
	}
	b, err := os.ReadFile(filepath.Join(dir, "bg.pid"))
	if err != nil {
		t.Fatal(err)
	}
	bg, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	waitGone(t, bg)
	if res := run(t, s, Request{ShellCommand: "echo again"}); res.Stdout != "again\n" {
		t.Errorf("after timeout: %+v", res)
	}
}

func TestShellBackgroundKilledAtExit(t *testing.T) {
	t.Parallel()
	s, _ := newShellSession(t)
	// The background job keeps stdout open; the execution still ends when
	// the command does, and the job is killed with it.
	res := run(t, s, Request{ShellCommand: "sleep 300 & echo $!"})
	bg, err := strconv.Atoi(strings.TrimSpace(res.Stdout))
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("%+v", res)
	}
	waitGone(t, bg)
}

func TestShellCancelAndClose(t *testing.T) {
	t.Parallel()
	s, dir := newShellSession(t)
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
