package emulator

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// socketPeerPID returns the pid of the process at the other end of the
// Unix socket connection rc (LOCAL_PEERPID).
func socketPeerPID(rc syscall.RawConn) (int, error) {
	var pid int
	var err error
	if cerr := rc.Control(func(fd uintptr) {
		pid, err = unix.GetsockoptInt(int(fd), unix.SOL_LOCAL, unix.LOCAL_PEERPID)
	}); cerr != nil {
		return 0, cerr
	}
	return pid, err
}
