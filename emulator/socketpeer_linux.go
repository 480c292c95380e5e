package emulator

import (
	"syscall"

	"golang.org/x/sys/unix"
)

// socketPeerPID returns the pid of the process that serves the other end
// of the Unix socket connection rc: SO_PEERCRED holds the credentials of
// the process that called listen, taken when it did.
func socketPeerPID(rc syscall.RawConn) (int, error) {
	var cred *unix.Ucred
	var err error
	if cerr := rc.Control(func(fd uintptr) {
		cred, err = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); cerr != nil {
		return 0, cerr
	}
	if err != nil {
		return 0, err
	}
	return int(cred.Pid), nil
}
