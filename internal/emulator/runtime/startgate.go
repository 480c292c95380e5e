package runtime

import (
	"context"
	"runtime"
	"slices"
	"sync"
)

// startGate bounds how many interpreters start at once. A start is
// CPU-bound, whether Python is spawned or forked by the zygote (a fork's
// child then pays in copy-on-write faults for every page it writes): a
// burst of starts all at once shares the cores and every one finishes
// late, while starts let through a few at a time (about one per core)
// finish in arrival order, so the first requests of a burst are served
// early. Starts a request waits for (foreground) go before those that
// refill the ready pool (background), each kind first come, first served.
type startGate struct {
	mu     sync.Mutex
	free   int
	fg, bg []chan struct{} // waiters, oldest first
}

// newStartGate lets through as many starts at once as there are CPUs.
func newStartGate() *startGate { return &startGate{free: max(1, runtime.NumCPU())} }

// acquire waits for a slot; the caller must release it once its start is
// over. It fails only when ctx ends first.
func (g *startGate) acquire(ctx context.Context, foreground bool) error {
	// An ended context gets no slot even when one is free: a refill asking
	// as its factory closes must not go on to fork with that context, which
	// can break the zygote instead of retiring it.
	if err := ctx.Err(); err != nil {
		return err
	}
	g.mu.Lock()
	if g.free > 0 && len(g.fg) == 0 && (foreground || len(g.bg) == 0) {
		g.free--
		g.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	if foreground {
		g.fg = append(g.fg, ch)
	} else {
		g.bg = append(g.bg, ch)
	}
	g.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		g.mu.Lock()
		queued := false
		for _, q := range []*[]chan struct{}{&g.fg, &g.bg} {
			if i := slices.Index(*q, ch); i >= 0 {
				*q = slices.Delete(*q, i, i+1)
				queued = true
			}
		}
		g.mu.Unlock()
		if !queued {
			g.release() // granted as ctx ended: hand it on
		}
		return ctx.Err()
	}
}

// release hands the slot to the oldest waiter, foreground first.
func (g *startGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case len(g.fg) > 0:
		close(g.fg[0])
		g.fg = slices.Delete(g.fg, 0, 1)
	case len(g.bg) > 0:
		close(g.bg[0])
		g.bg = slices.Delete(g.bg, 0, 1)
	default:
		g.free++
	}
}
