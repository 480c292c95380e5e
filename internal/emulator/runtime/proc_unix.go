//go:build unix

package runtime

import "syscall"

// killGroup sends SIGKILL to the process group led by pid.
func killGroup(pid int) {
	// ESRCH (group already gone) is the only expected error.
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// askToLeave sends SIGTERM to a session supervisor, which kills its
// session's processes and exits, and SIGCONT (see askLeader).
func askToLeave(pid int) {
	_ = syscall.Kill(pid, syscall.SIGTERM)
	_ = syscall.Kill(pid, sigCont)
}

// sigCont continues a stopped process.
const sigCont = syscall.SIGCONT
