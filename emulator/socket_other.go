//go:build !linux && !darwin

package emulator

// listenSocket returns nil: on this system (Windows, the BSDs) the
// emulator's client cannot tell which process serves a Unix socket
// (socketpeer_*.go), so the emulator is reached over TCP only.
func listenSocket() *localSocket { return nil }
