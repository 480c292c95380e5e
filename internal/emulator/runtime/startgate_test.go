package runtime

import (
	"context"
	"testing"
)

// TestStartGateOrder: past its capacity the gate serves foreground waiters
// before background ones, each in arrival order, and a waiter whose
// context ends leaves the queue.
func TestStartGateOrder(t *testing.T) {
	g := &startGate{free: 1}
	ctx := guardCtx(t)
	if err := g.acquire(ctx, true); err != nil {
		t.Fatal(err)
	}
	order := make(chan string, 4)
	queued := func(n int) func() bool {
		return func() bool { g.mu.Lock(); defer g.mu.Unlock(); return len(g.fg)+len(g.bg) == n }
	}
	wait := func(name string, fg bool) {
		if err := g.acquire(ctx, fg); err != nil {
			t.Error(err)
			return
		}
		order <- name
		g.release()
	}
	go wait("bg1", false)
	waitFor(t, "bg1 queued", queued(1))
	go wait("fg1", true)
	waitFor(t, "fg1 queued", queued(2))
	cancelled, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- g.acquire(cancelled, true) }()
	waitFor(t, "the cancelled one queued", queued(3))
	go wait("fg2", true)
	waitFor(t, "fg2 queued", queued(4))
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("a cancelled wait got a slot")
	}
	g.release()
	for _, want := range []string{"fg1", "fg2", "bg1"} {
		if got := <-order; got != want {
			t.Fatalf("served %s, want %s", got, want)
		}
	}
	waitFor(t, "the slot to be free again", func() bool { g.mu.Lock(); defer g.mu.Unlock(); return g.free == 1 })
}

// TestStartGateRefusesAnEndedContext: a start whose context has ended (a
// refill as its factory closes) gets no slot, even with slots free, and
// leaves the gate as it was.
func TestStartGateRefusesAnEndedContext(t *testing.T) {
	g := &startGate{free: 2}
	ended, cancel := context.WithCancel(guardCtx(t))
	cancel()
	for _, fg := range []bool{false, true} {
		if err := g.acquire(ended, fg); err == nil {
			t.Fatalf("foreground %v: acquire with an ended context took a slot", fg)
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.free != 2 || len(g.fg)+len(g.bg) != 0 {
		t.Fatalf("free %d, queued %d; want 2 free and none queued", g.free, len(g.fg)+len(g.bg))
	}
}
