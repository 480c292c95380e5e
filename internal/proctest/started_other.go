//go:build !unix

package proctest

import (
	"context"
	"testing"
)

// SleepingRun skips the test: the signal it gives is a FIFO, which only
// unix systems have.
func SleepingRun(t testing.TB) (code string, started func(ctx context.Context) error) {
	t.Helper()
	t.Skip("the test waits on a FIFO, which only unix systems have")
	return "", nil
}
