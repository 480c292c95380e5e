package runtime

import (
	"syscall"
	"unsafe"
)

// canWaitNoReap: Linux has waitid(WNOWAIT), so the group can be killed
// before its leader's pid is released.
const canWaitNoReap = true

// groupAttr puts the child in its own process group and asks the kernel to
// kill it if the emulator dies, so a crashed emulator leaves no busy
// interpreter behind (an idle one exits when its request pipe closes).
// The kernel ties Pdeathsig to the forking thread; Go only ends threads of
// goroutines that exit while locked with runtime.LockOSThread, so callers
// must not create sessions from such goroutines.
func groupAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// waitExitedNoReap blocks until the process pid has exited, leaving it a
// zombie (WNOWAIT) so its pid cannot be reused until cmd.Wait reaps it.
func waitExitedNoReap(pid int) {
	const (
		pPID    = 1         // P_PID
		wExited = 0x4       // WEXITED
		wNoWait = 0x1000000 // WNOWAIT
	)
	var info [128]byte // siginfo_t
	for {
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid),
			uintptr(unsafe.Pointer(&info[0])), wExited|wNoWait, 0, 0)
		if errno != syscall.EINTR {
			// Any other error (ECHILD) means there is nothing left to wait for.
			return
		}
	}
}
