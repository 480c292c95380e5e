// Package exampletest holds what the example programs' tests share.
package exampletest

import (
	"os"
	"testing"

	"github.com/seed-f3fa2c9d/azsessions/examples/internal/pool"
)

// RequireEmulator skips a test that runs an example end to end when it
// cannot, or should not, run it against the in-process emulator: in -short
// mode (the example runs Python) and when pool.EndpointVariable is set (the
// example would use that real pool).
func RequireEmulator(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs Python through the emulator")
	}
	if os.Getenv(pool.EndpointVariable) != "" {
		t.Skipf("%s is set: the example would use a real pool", pool.EndpointVariable)
	}
}
