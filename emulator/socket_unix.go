//go:build unix

package emulator

import (
	"net"
	"os"
	"path/filepath"
)

// listenSocket listens on a Unix socket in a new directory that only the
// current user can enter (the directory, not the socket's own mode, is
// what keeps other users out on every system). It returns nil when that
// cannot be done, the temporary directory's path being too long for a
// socket, say: the emulator is then reached over TCP only.
func listenSocket() *localSocket {
	dir, err := os.MkdirTemp("", "azsessions-emulator-socket-")
	if err != nil {
		return nil
	}
	path := filepath.Join(dir, "s")
	if len(path) > maxSocketPath || os.Chmod(dir, 0o700) != nil {
		_ = os.RemoveAll(dir)
		return nil
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil
	}
	return &localSocket{dir: dir, path: path, ln: ln}
}
