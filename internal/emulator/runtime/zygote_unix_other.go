//go:build unix && !linux

package runtime

import "syscall"

// socketpairCloexec is socketpair(2) with both ends close-on-exec before
// any command can be exec'd: without SOCK_CLOEXEC, the fork lock keeps
// exec.Cmd from forking between the creation and the marking.
func socketpairCloexec(domain, typ int) ([2]int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fds, err := syscall.Socketpair(domain, typ, 0)
	if err == nil {
		syscall.CloseOnExec(fds[0])
		syscall.CloseOnExec(fds[1])
	}
	return fds, err
}
