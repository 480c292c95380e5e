package runtime

import (
	"os"
	"syscall"
)

// groupAttr starts the child in a process group of its own. Windows has no
// group kill without job objects: only the leader is killed, so processes
// it started may outlive it. The emulator targets Linux; this file keeps the
// package building.
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// killGroup kills the leader pid.
func killGroup(pid int) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}

// supervisorAttr is groupAttr.
func supervisorAttr() *syscall.SysProcAttr { return groupAttr() }

// askToLeave kills the leader: there are no signals to ask with.
func askToLeave(pid int) { killGroup(pid) }

// sigCont stands for SIGCONT, which Windows lacks; it is sent through a
// pidfd only, which Windows has none of.
const sigCont = syscall.Signal(0)
