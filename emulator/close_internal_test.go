package emulator

import (
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stuckBackend holds every request until it is closed, as a long execution
// does, and counts its closes.
type stuckBackend struct {
	entered chan struct{}
	release chan struct{}
	closes  atomic.Int32
}

func (b *stuckBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	close(b.entered)
	<-b.release
}

func (b *stuckBackend) Close() error {
	if b.closes.Add(1) == 1 {
		close(b.release)
	}
	return errors.New("backend close failed")
}

// When requests outlive the grace period, Close stops the engine once and
// reports its error once.
func TestCloseStopsTheEngineOnce(t *testing.T) {
	old := shutdownGrace
	shutdownGrace = 10 * time.Millisecond
	t.Cleanup(func() { shutdownGrace = old })

	b := &stuckBackend{entered: make(chan struct{}), release: make(chan struct{})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	e := &Emulator{srv: b, httpSrv: newHTTPServer(b, nil), served: make(chan error, 1), insecure: true}
	ln, err = e.secure(ln)
	require.NoError(t, err)
	e.serve(ln)

	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := e.client.Get(e.Endpoint() + "/")
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-b.entered
	err = e.Close()
	<-done
	require.Error(t, err)
	require.Equal(t, int32(1), b.closes.Load(), "the engine is closed once")
	require.Equal(t, 1, strings.Count(err.Error(), "backend close failed"), "its error is reported once: %v", err)
	require.Equal(t, err, e.Close(), "Close is idempotent")
	require.Equal(t, int32(1), b.closes.Load())
}
