package runtime

import (
	"os"
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

// canMountNS: Linux can give a command its own user and mount namespaces
// (nsAttr), if the host allows unprivileged user namespaces.
const canMountNS = true

// nsAttr is groupAttr plus a new user namespace, where the emulator's uid
// and gid are mapped to 0, and a new mount namespace owned by it. The child
// is root there, with CAP_SYS_ADMIN over its own mount table kept across
// exec, and nobody on the host: files it creates belong to the emulator's
// user. Its pid is in the emulator's pid namespace, so the group can be
// signalled as usual (the emulator's user owns the child namespace).
// setgroups is denied, as the kernel requires for an unprivileged gid map.
func nsAttr() *syscall.SysProcAttr {
	a := groupAttr()
	a.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS
	a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
	a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	a.GidMappingsEnableSetgroups = false
	return a
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
