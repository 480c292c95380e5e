//go:build unix

package proctest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// SleepingRun returns Python code that signals it has started and then
// sleeps for 100 s, and a function that waits for the signal, or for ctx
// to end (its error then): once it returns nil the run is under way. The
// signal is the opening of a FIFO in a temporary directory of t.
func SleepingRun(t testing.TB) (code string, started func(ctx context.Context) error) {
	t.Helper()
	fifo := filepath.Join(t.TempDir(), "started")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	opened := make(chan error, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until the code opens it
		if err == nil {
			f.Close()
		}
		opened <- err
	}()
	code = fmt.Sprintf("import time\nopen(%q, 'w').close()\ntime.sleep(100)", fifo)
	return code, func(ctx context.Context) error {
		select {
		case err := <-opened:
			return err
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
