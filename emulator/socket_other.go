//go:build !unix

package emulator

// listenSocket returns nil: on this system the emulator is reached over
// TCP only.
func listenSocket() *localSocket { return nil }
