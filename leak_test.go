package azsessions_test

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// TestBadAnswersLeaveNoGoroutineBehind drives every failure path a hostile or
// broken server can cause, then checks that once the server and the idle
// connections are closed, the goroutine count is back where it started.
func TestBadAnswersLeaveNoGoroutineBehind(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
			switch {
			case strings.HasSuffix(r.URL.Path, "/content"):
				w.Header().Set("Content-Length", "100000")
				_, _ = w.Write([]byte("short"))
				w.(http.Flusher).Flush()
				if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
					conn.Close()
				}
			case r.URL.Path == poolPath+"/executions":
				reply(http.StatusOK, []byte(`{"id":"e1","status":"Succ`))(w, r)
			case strings.HasPrefix(r.URL.Path, poolPath+"/files"):
				reply(http.StatusOK, []byte(`<html>not json</html>`), "Content-Type", "text/html")(w, r)
			default:
				reply(http.StatusInternalServerError, nil)(w, r)
			}
		}, nil)
		defer srv.Client().CloseIdleConnections()
		defer srv.Close()
		ctx := context.Background()

		_, err := c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
		require.Error(t, err)
		_, err = c.NewFilesClient().Get(ctx, "s1", "a.txt", nil)
		require.Error(t, err)
		pager := c.NewFilesClient().NewListPager("s1", nil)
		_, err = pager.NextPage(ctx)
		require.Error(t, err)
		dl, err := c.NewFilesClient().Download(ctx, "s1", "a.txt", nil)
		require.NoError(t, err)
		_, err = io.Copy(io.Discard, dl.Body)
		require.Error(t, err)
		require.NoError(t, dl.Body.Close())
		_, err = c.NewSessionsClient().Get(ctx, "s1", nil)
		require.Error(t, err)
		ctx2, cancel := context.WithCancel(ctx)
		cancel()
		_, err = c.NewSessionsClient().GetPoolMetadata(ctx2, nil)
		require.ErrorIs(t, err, context.Canceled)
	}()

	// Connection goroutines end asynchronously once the server is closed.
	// The limit only guards against a hang; a loaded machine may be slow.
	deadline := time.Now().Add(time.Minute)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<20)
		t.Fatalf("%d goroutines before, %d after:\n%s", before, n, buf[:runtime.Stack(buf, true)])
	}
}
