//go:build linux

package runtime

import (
	"testing"
)

// TestRefillGoesToAWaitingRequest: a request that finds no ready
// interpreter while a refill of the pool is under way gets that refill's
// interpreter when it is done, instead of waiting for a start of its own
// while the refill goes into the pool. In a burst, the refills its first
// requests set off reach the gate before the rest of the burst; they
// used to delay every waiting request by their starts.
func TestRefillGoesToAWaitingRequest(t *testing.T) {
	ctx := guardCtx(t)
	f := newPython(t, PythonOptions{})
	// One start at a time and one ready interpreter, set before the
	// first start, so that the order below does not depend on the cores.
	f.gate = &startGate{free: 1}
	f.mu.Lock()
	f.want = 1
	f.mu.Unlock()
	f.refill()
	waitFor(t, "the ready interpreter", func() bool { return f.readyCount() == 1 })
	z := currentZygote(f)
	if z == nil {
		t.Skip("no zygote here")
	}
	starts := func() int64 { return f.forks.Load() + f.spawns.Load() }
	gate := func(cond func(g *startGate) bool) func() bool {
		return func() bool { f.gate.mu.Lock(); defer f.gate.mu.Unlock(); return cond(f.gate) }
	}

	// The refill that taking the ready interpreter sets off gets the
	// slot, and waits for the zygote, which the test holds.
	z.turn <- struct{}{}
	released := false
	release := func() {
		if !released {
			released = true
			<-z.turn
		}
	}
	t.Cleanup(release)
	first, _ := newPySession(t, f)
	defer first.Close()
	waitFor(t, "the refill to hold the slot", gate(func(g *startGate) bool { return g.free == 0 }))

	type got struct {
		s       Session
		started bool
		err     error
	}
	second := make(chan got, 1)
	go func() {
		s, started, err := f.NewSession(ctx, realDir(t))
		second <- got{s, started, err}
	}()
	waitFor(t, "the second request to wait", gate(func(g *startGate) bool { return len(g.fg) == 1 }))
	// Queued behind it, the test keeps the slot from the pool's next
	// refill, so that the count of starts below is exact.
	held := make(chan error, 1)
	go func() { held <- f.gate.acquire(ctx, true) }()
	waitFor(t, "the test's wait", gate(func(g *startGate) bool { return len(g.fg) == 2 }))
	release()

	r := <-second
	if r.err != nil {
		t.Fatal(r.err)
	}
	defer r.s.Close()
	if n := starts(); n != 2 {
		t.Errorf("%d interpreters started when the second session got one; want 2 (the first ready one and the refill it got)", n)
	}
	if !r.started {
		t.Error("started = false for a session that waited for a start")
	}
	if err := <-held; err != nil {
		t.Fatal(err)
	}
	py(t, r.s, "print(1)")
	f.gate.release()
	waitFor(t, "the pool to be refilled", func() bool { return f.readyCount() == 1 })
}

// TestPutBackKeepsThePoolAtItsSize: an interpreter handed to a request
// whose context ended as it came goes back to the pool only if the pool
// is short of ReadySessions counting the starts under way: the refill
// that the hand-on set off is one of those, and would otherwise make the
// pool one interpreter larger than asked, kept until the factory closes.
func TestPutBackKeepsThePoolAtItsSize(t *testing.T) {
	f := newPython(t, PythonOptions{ReadySessions: 1})
	waitFor(t, "the ready interpreter", func() bool { return f.readyCount() == 1 })
	f.wg.Wait() // its start is over: the gate can be swapped
	// No slot free: the refill that taking the ready one sets off waits
	// at the gate, still under way at the put-back, until the test lets it.
	f.gate = &startGate{}
	ip := f.takeReady()
	if ip == nil {
		t.Fatal("no ready interpreter")
	}
	t.Cleanup(ip.shutdown)
	f.putBack(ip) // what awaitInterp does for a request that ended
	f.gate.release()
	waitFor(t, "the refill to end", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.starting == 0 })
	if n := f.readyCount(); n != 1 {
		t.Errorf("%d interpreters ready, want 1 (ReadySessions)", n)
	}
	if !ip.dead() {
		t.Error("the interpreter put back beyond the pool's size is still running")
	}
}
