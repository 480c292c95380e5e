package runtime

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pidFactory returns a factory in pid mode, skipping where the host gives
// no PID namespace.
func pidFactory(t *testing.T) *ShellFactory {
	t.Helper()
	f := newShellFactory(t, modeNS)
	if !f.ns.pid {
		t.Skipf("pid mode unavailable: %v", f.ns.pidErr)
	}
	return f
}

// TestShellPidNamespaceIsNatural: in pid mode the user's command is not
// the namespace's init, so $$ is a process kill accepts and kill $$ ends
// the command as it ends a shell; /proc is the namespace's.
func TestShellPidNamespaceIsNatural(t *testing.T) {
	t.Parallel()
	s, _ := newShellSessionOf(t, pidFactory(t))
	res := run(t, s, Request{ShellCommand: `echo $$; kill -0 $$ && echo alive; test -d /proc/$$ && echo "ppid $PPID"`})
	pid, rest, _ := strings.Cut(res.Stdout, "\n")
	if n, err := strconv.Atoi(pid); err != nil || n <= 1 || rest != "alive\nppid 1\n" || res.ExitCode != 0 {
		t.Errorf("%+v", res)
	}
	for cmd, want := range map[string]int{"kill $$": 128 + 15, "kill -INT $$": 128 + 2, "kill -9 $$; echo unreached": 128 + 9} {
		res := run(t, s, Request{ShellCommand: cmd})
		if res.Outcome != OutcomeSucceeded || res.ExitCode != want || res.Stdout != "" || res.Stderr != "" {
			t.Errorf("%q: %+v, want exit %d", cmd, res, want)
		}
	}
}

// TestShellPidModeFallback: where /proc cannot be mounted in a new PID
// namespace (here a mount(8) that refuses it), NewShell keeps the mount
// namespace without one, and commands still see /mnt/data. Not parallel:
// it changes PATH.
func TestShellPidModeFallback(t *testing.T) {
	mount := pidFactory(t).ns.mount
	f := shellWithMount(t, "#!/bin/sh\ncase \" $* \" in *' proc '*) echo 'mount: /proc: permission denied' >&2; exit 32;; esac\nexec "+mount+" \"$@\"\n")
	if f.ns == nil || f.ns.pid || f.ns.pidErr == nil || !strings.Contains(f.ns.pidErr.Error(), "permission denied") {
		t.Fatalf("want the mount namespace without pid mode, got %+v", f.ns)
	}
	s, _ := newShellSessionOf(t, f)
	if res := run(t, s, Request{ShellCommand: "pwd; test $PPID != 1 && echo not init"}); res.Stdout != "/mnt/data\nnot init\n" {
		t.Errorf("%+v", res)
	}
}

// TestShellPreludeLeavesWhenTheEmulatorIsGone: a prelude whose lifeline
// has ended (the emulator died before the parent-death signal was armed)
// runs nothing of the user's.
func TestShellPreludeLeavesWhenTheEmulatorIsGone(t *testing.T) {
	t.Parallel()
	f := newShellFactory(t, modeNS)
	dead, err := newLifeline()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dead.r.Close() })
	dead.w.Close()
	ns := *f.ns
	ns.life = dead
	f.ns = &ns
	s, dir := newShellSessionOf(t, f)
	res, err := s.Execute(guardCtx(t), Request{ShellCommand: "touch ran"})
	if _, statErr := os.Stat(filepath.Join(dir, "ran")); statErr == nil || err != nil || res.ExitCode != 125 {
		t.Errorf("the command ran or the prelude did not leave: %v %+v", err, res)
	}
}
