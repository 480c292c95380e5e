//go:build unix

package server

import (
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDownloadOfANamedPipeIsRefusedWithoutBlocking(t *testing.T) {
	e := newEnv(t, nil)
	require.NoError(t, syscall.Mkfifo(filepath.Join(e.sessionWith("fifo", "", "a.txt", "x"), "pipe"), 0o644))

	for path, version := range map[string]string{"/files/pipe/content": "", "/files/content/pipe": V20240202Preview} {
		done := make(chan response, 1)
		go func() { done <- e.do(req{path: path, query: ident("fifo"), version: version}) }()
		select {
		case resp := <-done:
			require.Equal(t, http.StatusNotFound, resp.status, path)
			require.Equal(t, CodeFileNotFound, resp.errorCode(t), path)
		case <-time.After(30 * time.Second):
			t.Fatalf("GET %s of a named pipe still blocks", path)
		}
	}
	// The session is not held open: it can be deleted and is gone.
	require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/session", query: ident("fifo")}).status)
}
