package server

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// slowInfoFactory is a fakeFactory whose Info waits until the test
// releases it or its context ends, as a Python listing its packages does.
type slowInfoFactory struct {
	*fakeFactory
	calls   atomic.Int32
	started chan struct{} // one send per call
	release chan struct{}
}

func (f *slowInfoFactory) Info(ctx context.Context) (runtime.Info, error) {
	f.calls.Add(1)
	f.started <- struct{}{}
	select {
	case <-f.release:
		return f.fakeFactory.Info(ctx)
	case <-ctx.Done():
		return runtime.Info{}, ctx.Err()
	}
}

// The runtime's description is probed once, apart from the callers who
// wait for it: the first caller leaving neither ends the probe nor fails
// it for the others, and a waiter whose context ends leaves at once.
// Before, the probe ran under the first caller's context, so its leaving
// killed the Python probe and the next caller started it again; and the
// others waited behind a lock, unable to leave.
func TestMetadataProbeOutlivesItsFirstCaller(t *testing.T) {
	f := &slowInfoFactory{fakeFactory: newFakeFactory(), started: make(chan struct{}, 4), release: make(chan struct{})}
	e := newEnv(t, func(c *Config) { c.Factory = f })
	released := false
	release := func() {
		if !released {
			released = true
			close(f.release)
		}
	}
	t.Cleanup(release)
	type result struct {
		info runtime.Info
		err  error
	}
	ask := func(ctx context.Context) <-chan result {
		got := make(chan result, 1)
		go func() {
			info, err := e.srv.runtimeInfo(ctx)
			got <- result{info, err}
		}()
		return got
	}

	ctx, leave := context.WithCancel(context.Background())
	first := ask(ctx)
	<-f.started

	gone, cancel := context.WithCancel(context.Background())
	cancel()
	select {
	case r := <-ask(gone):
		require.ErrorIs(t, r.err, context.Canceled)
	case <-time.After(time.Minute): // a hang guard only
		t.Fatal("a caller whose context ended waited for the probe")
	}

	leave()
	require.ErrorIs(t, (<-first).err, context.Canceled)

	second := ask(context.Background())
	release()
	r := <-second
	require.NoError(t, r.err)
	require.Equal(t, "3.11.7", r.info.RuntimeVersion)
	require.Equal(t, int32(1), f.calls.Load(), "the runtime was probed again")
}
