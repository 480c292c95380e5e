package emulator

import "time"

// SetConnectionTimeoutsForTest shortens the HTTP server's connection
// limits for the emulators the test starts, restoring them when it ends.
func SetConnectionTimeoutsForTest(t interface{ Cleanup(func()) }, header, idle time.Duration) {
	oldHeader, oldIdle := readHeaderTimeout, idleTimeout
	readHeaderTimeout, idleTimeout = header, idle
	t.Cleanup(func() { readHeaderTimeout, idleTimeout = oldHeader, oldIdle })
}
