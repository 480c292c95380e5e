package runtime

import (
	"os"
	"strconv"
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

// supervisorAttr is groupAttr for a session supervisor (driver.py): its
// parent-death signal is SIGTERM, which it handles by killing every process
// of the session before it exits, where SIGKILL would leave them behind.
func supervisorAttr() *syscall.SysProcAttr {
	a := groupAttr()
	a.Pdeathsig = syscall.SIGTERM
	return a
}

// canSubreap: a process can be made the subreaper of its descendants
// (PR_SET_CHILD_SUBREAPER), which a shell supervisor needs.
const canSubreap = true

// canMountNS: Linux can give a command its own user and mount namespaces
// (nsAttr), if the host allows unprivileged user namespaces.
const canMountNS = true

// nsAttr is groupAttr plus a new user namespace, where the emulator's uid
// and gid are mapped to 0, a new mount namespace owned by it and, with pid,
// a new PID namespace whose init the child is. The child is root there,
// with CAP_SYS_ADMIN over its own mount table kept across exec, and nobody
// on the host: files it creates belong to the emulator's user. Its host pid
// leads its process group as usual (the emulator's user owns the child
// namespaces, and SIGKILL from the host reaches even a namespace's init).
// setgroups is denied, as the kernel requires for an unprivileged gid map.
//
// The parent-death signal (SIGKILL) is what makes a PID namespace die with
// the emulator: it kills the init, and the kernel then kills every process
// of the namespace. Go's own check that the parent is still there when the
// signal is armed cannot work in a new PID namespace (getppid is 0; the
// kill it then sends itself is ignored, as an init ignores its own
// signals); the prelude's lifeline covers that moment instead.
func nsAttr(pid bool) *syscall.SysProcAttr {
	a := groupAttr()
	a.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS
	if pid {
		a.Cloneflags |= syscall.CLONE_NEWPID
	}
	a.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}}
	a.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}}
	a.GidMappingsEnableSetgroups = false
	return a
}

// waitExitedNoReap blocks until the process pid has exited, leaving it a
// zombie (WNOWAIT) so its pid cannot be reused until cmd.Wait reaps it.
//
// It waits on a pidfd through Go's poller, so a session's idle interpreter
// holds no OS thread (a blocking waitid would hold one per live session).
// Kernels before 5.3 have no pidfd; there it falls back to waitid.
func waitExitedNoReap(pid int) {
	if waitPidfd(pid) {
		return
	}
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

// waitid(2) constants.
const (
	pPID    = 1         // P_PID
	pPIDFD  = 3         // P_PIDFD
	wNoHang = 0x1       // WNOHANG
	wExited = 0x4       // WEXITED
	wNoWait = 0x1000000 // WNOWAIT
)

// waitPidfd waits for pid to exit on a non-blocking pidfd, which the poller
// reports readable once the process has exited. It returns false when no
// pidfd could be had, leaving the waiting to the caller.
func waitPidfd(pid int) bool {
	fd, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(pid), syscall.O_NONBLOCK, 0)
	if errno != 0 {
		return false
	}
	f := os.NewFile(fd, "pidfd")
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		return false
	}
	err = rc.Read(func(fd uintptr) bool {
		var info [128]byte // siginfo_t; si_pid is set once the process exited
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, pPIDFD, fd,
			uintptr(unsafe.Pointer(&info[0])), wExited|wNoWait|wNoHang, 0, 0)
		switch errno {
		case syscall.EINTR:
			return false
		case 0:
			return *(*int32)(unsafe.Pointer(&info[siPidOffset])) != 0
		}
		return true // ECHILD: nothing left to wait for
	})
	return err == nil
}

// siPidOffset is where siginfo_t holds si_pid: after three ints, at the
// alignment of the union that follows (a pointer's).
const siPidOffset = (12 + unsafe.Sizeof(uintptr(0)) - 1) &^ (unsafe.Sizeof(uintptr(0)) - 1)

// sysPidfdOpen is pidfd_open(2)'s number, the same on every architecture.
const sysPidfdOpen = 434

// canSweep: /proc shows every process's initial environment.
const canSweep = true

// sweepRounds bounds the /proc scans of one sweep: a tagged process may
// fork while a scan runs, so scan again until a scan finds nothing.
const sweepRounds = 4

// sweep kills every process whose environment holds tag: what is left of a
// group's processes that left it with setsid. A process that replaced its
// environment escapes; the emulator is not a security boundary.
func sweep(tag string) {
	if tag == "" {
		return
	}
	marker := []byte(groupTagEnv + "=" + tag + "\x00")
	self := os.Getpid()
	for range sweepRounds {
		entries, err := os.ReadDir("/proc")
		if err != nil {
			return
		}
		found := false
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || pid == self {
				continue
			}
			env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
			if err != nil || !hasEnvEntry(env, marker) {
				continue
			}
			found = true
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if !found {
			return
		}
	}
}
