package runtime

import (
	"bytes"
	"os"
	"strconv"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// canFork reports whether interpreters can be forked by a zygote here: the
// emulator must see a forked leader's exit, and only a pidfd (Linux 5.3)
// shows the exit of a process that is not its child.
var canFork = sync.OnceValue(func() bool {
	fd, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(os.Getpid()), 0, 0)
	if errno != 0 {
		return false
	}
	syscall.Close(int(fd))
	return true
})

// openPidfd returns a non-blocking pidfd of pid, nil if none can be had
// (the process is gone, or out of descriptors).
func openPidfd(pid int) *os.File {
	fd, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(pid), syscall.O_NONBLOCK, 0)
	if errno != 0 {
		return nil
	}
	return os.NewFile(fd, "pidfd")
}

// pidfdSignal sends sig (0: only check that the process is not reaped) to
// the process of pidfd.
func pidfdSignal(pidfd *os.File, sig syscall.Signal) error {
	rc, err := pidfd.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall6(sysPidfdSendSignal, fd, uintptr(sig), 0, 0, 0, 0)
	}); err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}

// sysPidfdSendSignal is pidfd_send_signal(2)'s number, the same on every
// architecture.
const sysPidfdSendSignal = 424

// waitNonChildExited blocks until pid, which need not be a child of this
// process, has exited, without reaping it. The poller reports its pidfd
// (nil: none) readable then, so the wait holds no OS thread.
func waitNonChildExited(pid int, pidfd *os.File) {
	if pidfd != nil {
		if rc, err := pidfd.SyscallConn(); err == nil {
			if rc.Read(pidfdExited) == nil {
				return
			}
		}
	}
	// No pidfd to wait on (out of descriptors, say): look now and then.
	for !exitedOrZombie(pid) {
		time.Sleep(50 * time.Millisecond)
	}
}

// pidfdExited reports whether the process of pidfd fd has exited: its
// pidfd polls readable. A false return makes the poller wait.
func pidfdExited(fd uintptr) bool {
	pfd := struct {
		fd      int32
		events  int16
		revents int16
	}{fd: int32(fd), events: pollIn}
	var zero syscall.Timespec
	for {
		n, _, errno := syscall.Syscall6(syscall.SYS_PPOLL, uintptr(unsafe.Pointer(&pfd)), 1,
			uintptr(unsafe.Pointer(&zero)), 0, 0, 0)
		if errno != syscall.EINTR {
			return errno != 0 || n > 0
		}
	}
}

// pollIn is poll(2)'s POLLIN.
const pollIn = 0x1

// exitedOrZombie reports whether pid is gone or a zombie.
func exitedOrZombie(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z' || stat[i+2] == 'X'
}

// socketpairCloexec is socketpair(2) with both ends close-on-exec from the
// start (SOCK_CLOEXEC), so that no command exec'd meanwhile inherits them.
func socketpairCloexec(domain, typ int) ([2]int, error) {
	return syscall.Socketpair(domain, typ|syscall.SOCK_CLOEXEC, 0)
}

// addressSpace returns the address space of process pid (VmSize in
// /proc/<pid>/status) in bytes.
func addressSpace(pid int) (int64, bool) {
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, false
	}
	for line := range bytes.Lines(status) {
		if v, ok := bytes.CutPrefix(line, []byte("VmSize:")); ok {
			kb, err := strconv.ParseInt(string(bytes.TrimSuffix(bytes.TrimSpace(v), []byte(" kB"))), 10, 64)
			return kb << 10, err == nil
		}
	}
	return 0, false
}
