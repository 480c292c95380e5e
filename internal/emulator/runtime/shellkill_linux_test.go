package runtime

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dyingModes are the modes in which nothing a command starts outlives it
// or the emulator: pid mode, and cwd-only mode under the supervisor.
var dyingModes = []shellMode{modeNS, modeCwd}

// dyingFactory returns a factory in m, one of dyingModes, skipping where
// the host does not have it.
func dyingFactory(t *testing.T, m shellMode) *ShellFactory {
	t.Helper()
	if m == modeNS {
		return pidFactory(t)
	}
	f := newShellFactory(t, modeCwd)
	if f.supervisor() == nil {
		t.Skip("no python3 for the supervisor")
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

// TestShellLeftBehindIsKilledAtExit: whatever a command leaves behind
// (background job, setsid, double fork without the emulator's tag) is
// killed when it exits.
func TestShellLeftBehindIsKilledAtExit(t *testing.T) {
	t.Parallel()
	for _, m := range dyingModes {
		t.Run(string(m), func(t *testing.T) {
			t.Parallel()
			testLeftBehindIsKilledAtExit(t, dyingFactory(t, m))
		})
	}
}

func testLeftBehindIsKilledAtExit(t *testing.T, f *ShellFactory) {
	s, dir := newShellSessionOf(t, f)
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
// be killed; its value is "<mode> <session dir> <mark>".
const crashShellEnv = "AZSESSIONS_TEST_SHELL_EMULATOR_TO_KILL"

// TestHelperShellEmulatorToKill is not a test:
// TestKilledEmulatorLeavesNoShellProcess runs the test binary on it as an
// emulator whose shell session is running spawnShellEverything.
func TestHelperShellEmulatorToKill(t *testing.T) {
	args := strings.Fields(os.Getenv(crashShellEnv))
	if len(args) != 3 {
		t.Skip("a helper process of TestKilledEmulatorLeavesNoShellProcess")
	}
	f, err := NewShell(ShellOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mode, dir, mark := shellMode(args[0]), args[1], args[2]
	if mode != modeNS {
		f.ns = nil
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
	for _, m := range dyingModes {
		t.Run(string(m), func(t *testing.T) {
			t.Parallel()
			dyingFactory(t, m)
			testKilledShellEmulator(t, m)
		})
	}
}

// testKilledShellEmulator runs the helper emulator in m and kills it.
func testKilledShellEmulator(t *testing.T, m shellMode) {
	dir, mark := realDir(t), newMark(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperShellEmulatorToKill$", "-test.v")
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %s %s", crashShellEnv, m, dir, mark))
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

// TestShellSupervisorIsTransparent: a command under the cwd-only mode's
// supervisor sees the signal dispositions and environment it sees without
// one (Python ignores SIGPIPE, and under a C locale would set LC_CTYPE for
// the programs it starts). Not parallel: it sets a C locale.
func TestShellSupervisorIsTransparent(t *testing.T) {
	for _, name := range []string{"LC_ALL", "LC_CTYPE"} {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
	t.Setenv("LANG", "C")
	const cmd = `grep -E '^Sig(Ign|Blk)' /proc/self/status; echo "${LC_CTYPE-unset} ${PYTHONCOERCECLOCALE-unset}"; yes | head -c 4`
	bare, _ := newShellSessionOf(t, newShellFactory(t, modeBare))
	supervised, _ := newShellSessionOf(t, dyingFactory(t, modeCwd))
	want := run(t, bare, Request{ShellCommand: cmd})
	got := run(t, supervised, Request{ShellCommand: cmd})
	if got.Stdout != want.Stdout || got.Stderr != "" || got.ExitCode != 0 {
		t.Errorf("supervised %+v\nbare %+v", got, want)
	}
}

// TestShellKillOfItsGroupLeavesNothing: a cwd-only command that kills its
// own process group (`kill -9 0`) ends; what it had started outside the
// group (setsid, a double fork without the emulator's tag) dies with it.
// (Before, the supervisor shared the command's group and died with it, so
// those were left to init.)
func TestShellKillOfItsGroupLeavesNothing(t *testing.T) {
	t.Parallel()
	s, dir := newShellSessionOf(t, dyingFactory(t, modeCwd))
	mark := newMark(t)
	cmd := fmt.Sprintf(`%[1]s=%[2]s setsid sleep 300 </dev/null >/dev/null 2>&1 &
(env -i %[1]s=%[2]s setsid sleep 300 </dev/null >/dev/null 2>&1 &)
while [ ! -e release ]; do sleep 0.01; done
kill -9 0`, testMarkEnv, mark)
	done := make(chan Result, 1)
	go func() {
		res, _ := s.Execute(guardCtx(t), Request{ShellCommand: cmd})
		done <- res
	}()
	pids := waitMarked(t, mark, 2)
	if err := os.WriteFile(filepath.Join(dir, "release"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if res := <-done; res.ExitCode != 128+int(syscall.SIGKILL) {
		t.Errorf("%+v, want exit code %d", res, 128+int(syscall.SIGKILL))
	}
	for _, pid := range pids {
		waitGone(t, pid)
	}
}

// TestShellStoppedSupervisorStillKillsTheCommand: a cwd-only command that
// stops its supervisor (kill -STOP $PPID) after starting a process in a
// session of its own without the emulator's tag is still cleaned up at its
// timeout: the emulator continues the supervisor along with its request to
// end, and the supervisor kills that process, its descendant. (Before, the
// supervisor stayed stopped until its group was killed outright after
// supervisorGrace, and the process was left running.)
func TestShellStoppedSupervisorStillKillsTheCommand(t *testing.T) {
	t.Parallel()
	s, dir := newShellSessionOf(t, dyingFactory(t, modeCwd))
	mark := newMark(t)
	cmd := fmt.Sprintf(`(env -i %[1]s=%[2]s setsid sh -c 'touch started; exec sleep 300' </dev/null >/dev/null 2>&1 &)
while [ ! -e started ]; do sleep 0.01; done
kill -STOP $PPID
echo stopped`, testMarkEnv, mark)
	// The timeout doubles until a try got as far as stopping the
	// supervisor (on a loaded machine a short one can end the command
	// before); tries are counted, not timed.
	for timeout := 2 * time.Second; ; timeout *= 2 {
		res := run(t, s, Request{ShellCommand: cmd, Timeout: timeout})
		if res.Outcome != OutcomeTimedOut {
			t.Fatalf("%+v, want a timeout", res)
		}
		if res.Stdout == "stopped\n" {
			break
		}
		if timeout >= hangGuard/4 {
			t.Fatalf("stdout %q: no try got as far as stopping its supervisor", res.Stdout)
		}
		_ = os.Remove(filepath.Join(dir, "started"))
	}
	waitMarkedGone(t, mark)
}
