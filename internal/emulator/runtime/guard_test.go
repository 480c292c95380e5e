package runtime

import (
	"context"
	"testing"
	"time"
)

// hangGuard bounds every wait in the tests. It is not an assertion about
// speed: a correct run is far below it.
const hangGuard = 60 * time.Second

// guardCtx is a context that ends after hangGuard, for the tests of every
// platform.
func guardCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	t.Cleanup(cancel)
	return ctx
}

// waitFor polls cond until it holds or the hang guard expires.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(hangGuard)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
