//go:build linux

package runtime

import (
	"context"
	"errors"
	"testing"
)

// TestZygoteForkWithAnEndedContextLeavesItWhole: a fork whose context
// ends after it has taken the zygote's turn (a ready-pool refill as its
// factory closes: the gate gave it a slot, then the factory's context
// ended) is refused with the context's error before anything is sent; the
// zygote is not broken, and the next session is forked by the same one.
func TestZygoteForkWithAnEndedContextLeavesItWhole(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	_, _, z := newForkedSession(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// No other request uses z: the factory has no ready pool to refill.
	z.turnTaken = cancel
	ip, err := forkInterp(ctx, z, f.cfg)
	z.turnTaken = nil
	if err == nil {
		t.Cleanup(ip.shutdown)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a fork whose context ended at its turn: %v, want context.Canceled", err)
	}
	if z.gone() {
		t.Fatal("the zygote was broken by a fork whose context had ended")
	}
	forks := f.forks.Load()
	newPySession(t, f)
	if f.forks.Load() != forks+1 || currentZygote(f) != z {
		t.Errorf("the next session was not forked by the same zygote (forks %d -> %d)", forks, f.forks.Load())
	}
}
