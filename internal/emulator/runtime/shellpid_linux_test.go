package runtime

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// pidFactory returns a factory in pid mode, skipping where the host gives
// no PID namespace.
func pidFactory(t *testing.T) *ShellFactory {
	t.Helper()
	f := newShellFactory(t, true)
	if !f.ns.pid {
		t.Skipf("pid mode unavailable: %v", f.ns.pidErr)
	}
	return f
}

// spawnShellEverything is a command that starts a sleep of each kind a
// command can leave behind, all marked with mark: in the group, after
// setsid, and double-forked with an environment holding nothing but the
// mark (which the emulator's /proc scan by tag cannot see). It then waits
// for a file named release in its dir.
func spawnShellEverything(mark string) string {
	return fmt.Sprintf(`%[1]s=%[2]s sleep 300 &
%[1]s=%[2]s setsid sleep 300 </dev/null >/dev/null 2>&1 &
(env -i %[1]s=%[2]s setsid sleep 300 </dev/null >/dev/null 2>&1 &)
while [ ! -e release ]; do sleep 0.01; done`, testMarkEnv, mark)
}

// waitMarked waits for n live processes carrying mark and returns their
// host pids, to be killed when the test ends.
func waitMarked(t *testing.T, mark string, n int) []int {
	t.Helper()
	var pids []int
	waitFor(t, fmt.Sprintf("%d marked processes", n), func() bool {
		pids = marked(mark)
		return len(pids) >= n
	})
	if len(pids) != n {
		t.Fatalf("%d marked processes, want %d", len(pids), n)
	}
	for _, pid := range pids {
		killAtCleanup(t, pid, "sleep")
	}
	return pids
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

// TestShellLeftBehindIsKilledAtExit: whatever a command leaves behind
// (background job, setsid, double fork without the emulator's tag) is
// killed when it exits.
func TestShellLeftBehindIsKilledAtExit(t *testing.T) {
	t.Parallel()
	s, dir := newShellSessionOf(t, pidFactory(t))
	mark := newMark(t)
	done := make(chan Result, 1)
	go func() {
		res, _ := s.Execute(guardCtx(t), Request{ShellCommand: spawnShellEverything(mark) + "\necho released"})
		done <- res
	}()
	pids := waitMarked(t, mark, 3)
	if err := os.WriteFile(filepath.Join(dir, "release"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if res := <-done; res.ExitCode != 0 || res.Stdout != "released\n" {
		t.Errorf("%+v", res)
	}
	for _, pid := range pids {
		waitGone(t, pid)
	}
}

// crashShellEnv makes TestHelperShellEmulatorToKill act as an emulator to
// be killed; its value is "<session dir> <mark>".
const crashShellEnv = "AZSESSIONS_TEST_SHELL_EMULATOR_TO_KILL"

// TestHelperShellEmulatorToKill is not a test:
// TestKilledEmulatorLeavesNoShellProcess runs the test binary on it as an
// emulator whose shell session is running spawnShellEverything.
func TestHelperShellEmulatorToKill(t *testing.T) {
	dir, mark, ok := strings.Cut(os.Getenv(crashShellEnv), " ")
	if !ok {
		t.Skip("a helper process of TestKilledEmulatorLeavesNoShellProcess")
	}
	f, err := NewShell(ShellOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := f.NewSession(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Execute(context.Background(), Request{ShellCommand: spawnShellEverything(mark)})
	t.Fatalf("the command was to run until the kill: %v %+v", err, res)
}

// TestKilledEmulatorLeavesNoShellProcess kills an emulator with SIGKILL
// while a shell command runs, and requires every process the command
// started to die with it.
func TestKilledEmulatorLeavesNoShellProcess(t *testing.T) {
	t.Parallel()
	pidFactory(t)
	dir, mark := realDir(t), newMark(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperShellEmulatorToKill$", "-test.v")
	cmd.Env = append(os.Environ(), crashShellEnv+"="+dir+" "+mark)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	pids := waitMarked(t, mark, 3)
	if err := syscall.Kill(cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	for _, pid := range pids {
		waitGone(t, pid)
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
