package runtime

import (
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestLeaderKilledWithoutPidfd: a forked leader whose pidfd could not be
// had (out of descriptors when it was adopted) is looked at by its pid
// after a run's answer; leaderKilled waited for it to exit, so every run
// that answered hung until the session was ended.
func TestLeaderKilledWithoutPidfd(t *testing.T) {
	cmd := exec.Command("sleep", "300")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	g := &group{pid: cmd.Process.Pid, supervised: true, exited: make(chan struct{})}

	killed := func() bool {
		got := make(chan bool, 1)
		go func() { got <- g.leaderKilled() }()
		select {
		case k := <-got:
			return k
		case <-time.After(30 * time.Second): // a hang guard only
			t.Fatal("leaderKilled waited for a live leader without a pidfd to exit")
			return false
		}
	}
	if killed() {
		t.Error("a live leader reported killed")
	}
	// Killed, not reaped: a zombie killed by a signal.
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for !deadOrZombie(cmd.Process.Pid) {
		time.Sleep(time.Millisecond)
	}
	if !killed() {
		t.Error("a leader killed by SIGKILL reported not killed")
	}
}
