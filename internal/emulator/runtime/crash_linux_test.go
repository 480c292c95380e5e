package runtime

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-f3fa2c9d/azsessions/internal/proctest"
)

// crashChildEnv makes TestHelperEmulatorToKill act as an emulator to be
// killed; its value is the directory for the sessions. With crashForkEnv
// set, its interpreters are forked by a zygote.
const (
	crashChildEnv = "AZSESSIONS_TEST_EMULATOR_TO_KILL"
	crashForkEnv  = "AZSESSIONS_TEST_EMULATOR_FORKS"
)

// spawnEverything starts a sleep of each kind a session's code can leave
// behind: in the group, after setsid, and double-forked with an empty
// environment (which the /proc scan by tag cannot see); it prints their
// pids and its own.
const spawnEverything = `import os, subprocess
a = subprocess.Popen(['sleep', '300'])
b = subprocess.Popen(['sleep', '300'], start_new_session=True)
r, w = os.pipe()
if os.fork() == 0:
    os.setsid()
    c = subprocess.Popen(['sleep', '300'], env={}, start_new_session=True)
    os.write(w, b'%d' % c.pid)
    os._exit(0)
os.close(w)
line = '%d %d %d %s' % (os.getpid(), a.pid, b.pid, os.read(r, 32).decode())
print(line)`

// TestHelperEmulatorToKill is not a test: TestKilledEmulatorLeavesNoProcess
// runs the test binary on it as an emulator with an idle session whose code
// left processes behind, a busy session in the middle of a cell, and a
// ready interpreter (and their zygote); it prints their pids and waits to
// be killed.
func TestHelperEmulatorToKill(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("a helper process of TestKilledEmulatorLeavesNoProcess")
	}
	ctx := context.Background()
	fork := os.Getenv(crashForkEnv) != ""
	f, err := NewPython(PythonOptions{ReadySessions: 1, spawn: !fork})
	if err != nil {
		t.Fatal(err)
	}
	idle, _, err := f.NewSession(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := idle.Execute(ctx, Request{Code: spawnEverything})
	if err != nil || res.Outcome != OutcomeSucceeded {
		t.Fatalf("%v %+v", err, res)
	}
	busy, _, err := f.NewSession(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	started := filepath.Join(dir, "busy.pid")
	go func() {
		_, _ = busy.Execute(ctx, Request{Code: spawnEverything + "\nopen('busy.tmp', 'w').write(line)\nos.rename('busy.tmp', 'busy.pid')\nimport time\ntime.sleep(300)"})
	}()
	waitFor(t, "the busy cell", func() bool { _, err := os.Stat(started); return err == nil })
	waitFor(t, "a ready interpreter", func() bool { return f.readyCount() == 1 })
	f.mu.Lock()
	ready := f.ready[0].g.pid
	f.mu.Unlock()
	busyPids, err := os.ReadFile(started)
	if err != nil {
		t.Fatal(err)
	}
	zygote := ""
	if fork {
		if f.spawns.Load() != 0 || zygotePid(f) == 0 {
			t.Fatalf("%d interpreters spawned, zygote %d", f.spawns.Load(), zygotePid(f))
		}
		zygote = fmt.Sprint(zygotePid(f))
	}
	fmt.Printf("PIDS %d %d %d %s %s %s\n", idle.(*pythonSession).pid(), busy.(*pythonSession).pid(), ready,
		strings.TrimSpace(res.Stdout), busyPids, zygote)
	select {}
}

// TestKilledEmulatorLeavesNoProcess kills an emulator with SIGKILL and
// requires every process of its sessions to die: supervisors, interpreters
// busy and idle, ready ones, what the code started in every way, and the
// zygote that forked them.
func TestKilledEmulatorLeavesNoProcess(t *testing.T) {
	t.Parallel()
	t.Run("spawned", func(t *testing.T) { t.Parallel(); testKilledEmulator(t, false) })
	t.Run("forked", func(t *testing.T) { t.Parallel(); testKilledEmulator(t, true) })
}

func testKilledEmulator(t *testing.T, fork bool) {
	env := []string{crashChildEnv + "=" + realDir(t)}
	want := 3 + 4 + 4
	if fork {
		env = append(env, crashForkEnv+"=1")
		want++
	}
	h, pids := startHelperEmulator(t, "TestHelperEmulatorToKill", env...)
	if len(pids) != want {
		t.Fatalf("the helper printed %d pids: %v", len(pids), pids)
	}
	for _, pid := range pids {
		killAtCleanup(t, pid, "sleep")
		if processGone(pid) {
			t.Fatalf("process %d is gone before the kill: the test proves nothing", pid)
		}
	}
	h.Kill(t)
	for _, pid := range pids {
		waitGone(t, pid)
	}
}

// startHelperEmulator runs the test binary on the helper test named helper,
// with env added, and returns it with the pids it printed on its "PIDS "
// line. The helper is killed when the test ends.
func startHelperEmulator(t *testing.T, helper string, env ...string) (*proctest.Helper, []int) {
	t.Helper()
	h := proctest.StartHelper(t, helper, env...)
	var pids []int
	for _, f := range strings.Fields(h.Line("PIDS")) {
		pids = append(pids, atoiPid(t, f))
	}
	return h, pids
}
