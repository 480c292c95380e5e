//go:build linux

package runtime

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// startSleeper starts a process leading a group of its own, killed and
// reaped at cleanup.
func startSleeper(t *testing.T) *exec.Cmd {
	t.Helper()
	cmd := exec.Command("sleep", "1000")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
	return cmd
}

// signalled reports whether pid has exited or has a signal pending: a
// signal sent to it is pending (or has killed it) once kill(2) returns.
func signalled(t *testing.T, pid int) bool {
	t.Helper()
	proc := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(proc + "/stat")
	if err != nil || zombie(string(stat)) {
		return true
	}
	status, err := os.ReadFile(proc + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, _ := strings.Cut(line, ":")
		if (k == "SigPnd" || k == "ShdPnd") && strings.Trim(v, "\t 0") != "" {
			return true
		}
	}
	return false
}

// TestForkedLeaderReapedByInitIsNotSignalledByPid: once a forked leader
// has been reaped by init (its zygote died), its pid (and group id) may be
// another process's; killing the session must not signal that process.
// The sleeper stands for a process that reused the pid; the leader's
// pidfd is that of a process already reaped.
func TestForkedLeaderReapedByInitIsNotSignalledByPid(t *testing.T) {
	t.Parallel()
	reused := startSleeper(t)
	leader := startSleeper(t)
	pidfd := openPidfd(leader.Process.Pid)
	if pidfd == nil {
		t.Fatal("no pidfd")
	}
	defer pidfd.Close()
	_ = leader.Process.Kill()
	_ = leader.Wait()
	g := &group{pid: reused.Process.Pid, supervised: true, pidfd: pidfd, exited: make(chan struct{})}
	g.kill(killedClosed)
	g.killRest() // what follows the leader's exit, and the kill's fallback
	if signalled(t, reused.Process.Pid) {
		t.Error("the process that reused the leader's pid was signalled")
	}
}
