package runtime

import (
	"strings"
	"testing"
	"time"
)

// padded returns cmd followed by a comment that makes it n bytes long; the
// comment holds a two-byte character, so that a length counted in
// characters instead of bytes would show.
func padded(cmd string, n int) string {
	cmd += "\n# é"
	return cmd + strings.Repeat("a", n-len(cmd))
}

// TestShellLongCommand: a shellCommand longer than Linux takes as one
// argument (128 KiB) runs as a short one does: same $0 and arguments,
// stdin, output and exit code, in every mode.
func TestShellLongCommand(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, _, _ := newShellSession(t, m)
		const probe = `echo "$0 $# ${c-unset}"; tr a-z A-Z; exit 3`
		short := run(t, s, Request{ShellCommand: probe, Stdin: "in"})
		if short.ExitCode != 3 || !strings.HasSuffix(short.Stdout, " 0 unset\nIN") {
			t.Fatalf("short command: %+v", short)
		}
		for _, n := range []int{128<<10 - 1, 128 << 10, 1 << 20} {
			res := run(t, s, Request{ShellCommand: padded(probe, n), Stdin: "in"})
			if res.Outcome != OutcomeSucceeded || res.ExitCode != 3 || res.Stdout != short.Stdout || res.Stderr != "" {
				t.Errorf("%d bytes: %s exit %d stdout %q stderr %.200q, want exit 3 stdout %q",
					n, res.Outcome, res.ExitCode, res.Stdout, res.Stderr, short.Stdout)
			}
		}
		if res := run(t, s, Request{ShellCommand: padded("kill -9 $$", 1<<20)}); res.ExitCode != 128+9 {
			t.Errorf("killed by SIGKILL: %+v", res)
		}
	})
}

// TestShellLongCommandTimeout: a long command that outlasts its timeout is
// killed and reported as timed out, with what it wrote before the timeout;
// what it was running dies with it. The timeout doubles until a try got as
// far as its first echo (on a loaded machine the start alone can outlast a
// short one); tries are counted, not timed. A command that never got that
// far is a failure: it would prove nothing of the timeout (the test used to
// pass then, after its last try).
func TestShellLongCommandTimeout(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, _, _ := newShellSession(t, m)
		mark := newMark(t)
		cmd := padded("echo started; "+testMarkEnv+"="+mark+" sleep 300; echo finished", 1<<20)
		var res Result
		for timeout := 2 * time.Second; ; timeout *= 2 {
			res = run(t, s, Request{ShellCommand: cmd, Timeout: timeout})
			if res.Outcome != OutcomeTimedOut || res.Stderr != MessageTimedOut {
				t.Fatalf("%+v", res)
			}
			if res.Stdout != "" || timeout >= hangGuard/4 {
				break
			}
		}
		if res.Stdout != "started\n" {
			t.Fatalf("stdout %q, want %q: the command did not run until its timeout", res.Stdout, "started\n")
		}
		waitMarkedGone(t, mark)
		if res := run(t, s, Request{ShellCommand: "echo again"}); res.Stdout != "again\n" {
			t.Errorf("after the timeout: %+v", res)
		}
	})
}

// TestShellCommandWithNULIsAnError: a command holding a NUL byte is an
// error, long or short, in every mode. A long one ran, and bash's read,
// which drops NULs without counting them, took the first byte of stdin as
// part of the command.
func TestShellCommandWithNULIsAnError(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, _, _ := newShellSession(t, m)
		for _, cmd := range []string{"cat #\x00", padded("cat #\x00", 1<<20)} {
			res, err := s.Execute(guardCtx(t), Request{ShellCommand: cmd, Stdin: "in"})
			if err == nil || !strings.Contains(err.Error(), "NUL") {
				t.Errorf("%d bytes: %+v, %v; want an error saying NUL", len(cmd), res, err)
			}
		}
		if res := run(t, s, Request{ShellCommand: "cat", Stdin: "in"}); res.Stdout != "in" {
			t.Errorf("after: %+v", res)
		}
	})
}
