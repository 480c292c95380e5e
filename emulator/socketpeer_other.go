//go:build !linux && !darwin

package emulator

import (
	"errors"
	"syscall"
)

// socketPeerPID cannot tell the process at the other end of a Unix socket
// on this system; listenSocket serves no socket here, so it is not called.
func socketPeerPID(syscall.RawConn) (int, error) {
	return 0, errors.ErrUnsupported
}
