//go:build linux

package runtime

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// startOver waits until no zygote start is under way and returns the idle
// successor, nil if there is none.
func startOver(t testing.TB, s *forkServer) *zygote {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()
	for {
		s.mu.Lock()
		starting, next := s.starting, s.next
		s.mu.Unlock()
		if starting == nil {
			return next
		}
		select {
		case <-starting:
		case <-ctx.Done():
			t.Fatal("timed out waiting for a zygote start")
		}
	}
}

// poolWithZygote returns a factory whose zygotes fork forks interpreters
// each and start their successors with lead forks left, once its first
// session (from its first zygote) is made; the test is skipped where no
// zygote runs.
func poolWithZygote(t *testing.T, forks, lead int64) (*PythonFactory, *forkServer) {
	t.Helper()
	f := newPython(t, PythonOptions{})
	s := f.zygotes
	s.forks, s.lead = forks, lead
	newPySession(t, f)
	if currentZygote(f) == nil {
		t.Skip("no zygote here")
	}
	return f, s
}

// TestZygoteSuccessorStartedBeforeTheBoundary: the zygote that takes over
// once one has forked its share is started while that one still has forks
// left, so the session after the boundary waits for no zygote start; one
// successor is started per zygote, however many forks find it missing.
func TestZygoteSuccessorStartedBeforeTheBoundary(t *testing.T) {
	t.Parallel()
	f, s := poolWithZygote(t, 3, 1)
	waited := s.waited.Load()
	newPySession(t, f) // one fork left after this one: the successor starts
	newPySession(t, f)
	succ := startOver(t, s)
	if succ == nil {
		t.Fatal("no successor started before the zygote forked its share")
	}
	if n := s.starts.Load(); n != 2 {
		t.Errorf("%d zygote starts after three sessions, want 2 (the first and one successor)", n)
	}
	d, _ := newPySession(t, f)
	if p := ppid(t, d.pid()); p != succ.g.pid {
		t.Errorf("the session after the boundary is a child of %d, want the successor %d", p, succ.g.pid)
	}
	if n := s.waited.Load() - waited; n != 0 {
		t.Errorf("sessions after the first waited %d times for a zygote start, want 0", n)
	}
	if n := s.starts.Load(); n != 2 {
		t.Errorf("%d zygote starts after the boundary, want 2", n)
	}
	newPySession(t, f) // the successor's own successor starts
	third := startOver(t, s)
	if n := s.starts.Load(); n != 3 || third == nil {
		t.Fatalf("%d zygote starts (successor %v), want 3 and an idle successor", n, third != nil)
	}
	f.Close()
	assertReaped(t, third.g.pid)
}

// TestZygoteSuccessorWaitsLikeARefill: a successor's start waits at the
// gate behind the starts requests wait for; a request that needs it while
// it still waits there lets it start at once, in the request's own slot.
func TestZygoteSuccessorWaitsLikeARefill(t *testing.T) {
	t.Parallel()
	ctx := guardCtx(t)
	f := newPython(t, PythonOptions{})
	s := f.zygotes
	gate := &startGate{free: 1}
	s.gate = gate
	s.forks, s.lead = 2, 1
	queued := func(fg, bg int) func() bool {
		return func() bool { gate.mu.Lock(); defer gate.mu.Unlock(); return len(gate.fg) == fg && len(gate.bg) == bg }
	}

	if err := gate.acquire(ctx, true); err != nil {
		t.Fatal(err)
	}
	first := s.get(ctx) // one fork left from the start: a successor is queued
	if first == nil {
		t.Skip("no zygote here")
	}
	waitFor(t, "the successor to wait at the gate", queued(0, 1))
	request := make(chan error, 1)
	go func() { request <- gate.acquire(ctx, true) }()
	waitFor(t, "a request to wait at the gate", queued(1, 1))
	gate.release()
	if err := <-request; err != nil {
		t.Fatal(err)
	}
	if !queued(0, 1)() {
		t.Fatal("the successor took the slot before the waiting request")
	}

	first.forks.Store(s.forks) // it has forked its share
	second := s.get(ctx)
	if second == nil || second == first {
		t.Fatalf("after the boundary: zygote %p, want a new one (the first %p)", second, first)
	}
	// The new zygote also has one fork left: its successor is queued.
	if n := s.starts.Load(); n != 3 {
		t.Errorf("%d zygote starts, want 3", n)
	}
	assertReaped(t, first.g.pid)
	gate.release()
	startOver(t, s)
	gate.mu.Lock()
	defer gate.mu.Unlock()
	if gate.free != 1 || len(gate.bg) != 0 {
		t.Errorf("the gate after: %d free, %d queued; want 1 and 0", gate.free, len(gate.bg))
	}
}

// TestZygoteSuccessorKilledByClose: Close while a successor is starting
// kills it and returns once it is gone.
func TestZygoteSuccessorKilledByClose(t *testing.T) {
	t.Parallel()
	ctx := guardCtx(t)
	f, s := poolWithZygote(t, 2, 0)
	// The successor tells its pid through a FIFO and never answers.
	fifo := filepath.Join(t.TempDir(), "pid")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.program = "import os, time\nwith open(" + strconv.Quote(fifo) + ", 'w') as w: w.write(str(os.getpid()))\ntime.sleep(3600)"
	s.mu.Unlock()
	newPySession(t, f) // its last fork: the successor starts
	got := make(chan []byte, 1)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	var pid int
	select {
	case b := <-got:
		pid = atoiPid(t, string(b))
	case <-ctx.Done():
		t.Fatal("no successor started")
	}
	killAtCleanup(t, pid, filepath.Base(f.cfg.python))
	f.Close()
	assertReaped(t, pid)
}
