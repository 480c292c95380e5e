package runtime

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
)

// A session's code that signals its parent (its supervisor) ends only its
// own session, never the other sessions of the pool.
func TestSessionSignallingItsParentEndsOnlyItself(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	a, _ := newPySession(t, f)
	b, _ := newPySession(t, f)
	py(t, b, "x = 1")
	run(t, a, Request{Code: "import os, signal\nos.kill(os.getppid(), signal.SIGTERM)\nimport time\ntime.sleep(1)"})
	res := run(t, b, Request{Code: "print(x)"})
	if res.Outcome != OutcomeSucceeded || strings.TrimSpace(res.Stdout) != "1" {
		t.Fatalf("session b lost its state when session a signalled its own parent: %s %q %q", res.Outcome, res.Stdout, res.Stderr)
	}
}

const zygoteDeathChildEnv = "AZSESSIONS_TEST_ZYGOTE_DEATH_EMULATOR"

// TestHelperZygoteDeathEmulator is not a test: an emulator (forking) with a
// session whose code left processes behind, after another session's code
// killed the zygote; it prints the pids and waits to be killed.
func TestHelperZygoteDeathEmulator(t *testing.T) {
	dir := os.Getenv(zygoteDeathChildEnv)
	if dir == "" {
		t.Skip("a helper process of TestKilledEmulatorAfterZygoteDied")
	}
	ctx := context.Background()
	f, err := NewPython(PythonOptions{ReadySessions: 0, Kernel: KernelPlain})
	if err != nil {
		t.Fatal(err)
	}
	victim, _, err := f.NewSession(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := victim.Execute(ctx, Request{Code: spawnEverything})
	if err != nil || res.Outcome != OutcomeSucceeded {
		t.Fatalf("%v %+v", err, res)
	}
	z := zygotePid(f)
	if z == 0 || f.spawns.Load() != 0 {
		t.Fatalf("not forked")
	}
	// What breakDown does when the zygote stops answering in time.
	_ = syscall.Kill(z, syscall.SIGKILL)
	waitFor(t, "the zygote to die", func() bool {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", z))
		return err != nil || zombie(string(stat))
	})
	fmt.Printf("PIDS %d %s\n", victim.(*pythonSession).pid(), strings.TrimSpace(res.Stdout))
	select {}
}

// Once the zygote is gone (the emulator kills one that stops answering:
// breakDown), its sessions still die with an emulator killed with SIGKILL:
// each session's supervisor watches its own lifeline.
func TestKilledEmulatorAfterZygoteDied(t *testing.T) {
	t.Parallel()
	h, pids := startHelperEmulator(t, "TestHelperZygoteDeathEmulator", zygoteDeathChildEnv+"="+realDir(t))
	if len(pids) != 5 {
		t.Fatalf("the helper printed %d pids: %v", len(pids), pids)
	}
	for _, pid := range pids[1:] {
		killAtCleanup(t, pid, "sleep")
	}
	h.Kill(t)
	for _, pid := range pids[1:] {
		waitGone(t, pid)
	}
}
