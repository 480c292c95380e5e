//go:build unix

package server

import (
	"net/http"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// A named pipe code made is neither file nor directory: the listing
// leaves it out and its content is 404, so its metadata is 404 too (it
// was a 200 "file" of 0 bytes). Deleting it works as for a file.
func TestNamedPipeIsNoFile(t *testing.T) {
	e := newEnv(t, nil)
	const id = "fifo"
	require.NoError(t, syscall.Mkfifo(filepath.Join(e.sessionWith(id, "", "kept.txt", "k"), "pipe"), 0o644))

	get := e.do(req{path: "/files/pipe", query: ident(id)})
	require.Equal(t, http.StatusNotFound, get.status, "%s", get.body)
	require.Equal(t, CodeFileNotFound, get.errorCode(t))
	require.NotContains(t, string(e.do(req{path: "/files", query: ident(id)}).body), "pipe")
	require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/files/pipe", query: ident(id)}).status)
}
