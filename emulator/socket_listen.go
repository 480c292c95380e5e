//go:build linux || darwin

package emulator

import (
	"net"
	"os"
	"path/filepath"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/server"
)

// maxSocketPath is the longest Unix socket path every supported system
// takes: sun_path holds 104 bytes on macOS (108 on Linux), one of them the
// terminating NUL.
const maxSocketPath = 103

// listenSocket listens on a Unix socket in a new directory that only the
// current user can enter (the directory, not the socket's own mode, is
// what keeps other users out on every system). Only on the systems where
// the client can tell which process serves the socket (socketpeer_*.go):
// the code of a session, run as the same user, can put its own listener at
// the path. It returns nil when that cannot be done, the temporary
// directory's path being too long for a socket, say: the emulator is then
// reached over TCP only.
func listenSocket() *localSocket {
	dir, err := os.MkdirTemp("", "azsessions-emulator-socket-")
	if err != nil {
		return nil
	}
	path := filepath.Join(dir, "s")
	// Marked like the sessions' areas, so that the next emulator to start
	// removes it if this one dies without Close (kill -9, a panic).
	if len(path) > maxSocketPath || os.Chmod(dir, 0o700) != nil || server.MarkOwner(dir) != nil {
		_ = os.RemoveAll(dir)
		return nil
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil
	}
	return &localSocket{dir: dir, path: path, ln: ln}
}
