//go:build linux

package runtime

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"
)

// stopZygote stops the factory's zygote (SIGSTOP), which has forked a
// session, after setting its timeout for a fork or a reap. The factory
// kills it when it closes (if the test's NewSession has not).
func stopZygote(t *testing.T, f *PythonFactory, timeout time.Duration) *zygote {
	t.Helper()
	newPySession(t, f)
	z := currentZygote(f)
	z.timeout.Store(int64(timeout))
	if err := syscall.Kill(z.g.pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	return z
}

// TestZygoteStoppedFallsBackToSpawning: a stopped zygote does not answer a
// fork; the new session is spawned instead, within the caller's deadline
// (which is shorter than an interpreter's start timeout), and the zygote
// is killed.
func TestZygoteStoppedFallsBackToSpawning(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	z := stopZygote(t, f, 500*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout/2)
	defer cancel()
	s, _, err := f.NewSession(ctx, realDir(t))
	if err != nil {
		t.Fatalf("NewSession with a stopped zygote: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if res := py(t, s, "6 * 7"); res.Value.Repr != "42" {
		t.Errorf("the spawned session: %+v", res.Value)
	}
	if spawns := f.spawns.Load(); spawns != 1 {
		t.Errorf("%d interpreters spawned, want 1", spawns)
	}
	<-z.g.exited
}

// TestZygoteStoppedHonoursTheDeadline: a caller whose deadline comes
// before the zygote's timeout gets its deadline's error, not a wait for
// the zygote.
func TestZygoteStoppedHonoursTheDeadline(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	stopZygote(t, f, time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s, _, err := f.NewSession(ctx, realDir(t))
	if err == nil {
		s.Close()
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("NewSession after its deadline: %v, want context.DeadlineExceeded", err)
	}
}
