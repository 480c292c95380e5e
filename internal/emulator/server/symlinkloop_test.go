package server

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Symbolic links code made into a loop (a -> b -> a) are the request's
// problem, not the emulator's: get, content, listing and an upload into
// them answer 400 naming the loop, where they answered 500, the
// emulator's own fault (which clients retry). Deleting the link works.
func TestSymlinkLoopIsABadRequest(t *testing.T) {
	e := newEnv(t, nil)
	const id = "loop"
	dir := e.sessionWith(id, "", "x.txt", "x")
	require.NoError(t, os.Symlink("b", filepath.Join(dir, "a")))
	require.NoError(t, os.Symlink("a", filepath.Join(dir, "b")))

	for _, r := range []req{
		{path: "/files/a"},
		{path: "/files/a/content"},
		{path: "/files?path=a"},
	} {
		r.query = ident(id)
		resp := e.do(r)
		require.Equal(t, http.StatusBadRequest, resp.status, "%s: %s", r.path, resp.body)
		require.Equal(t, CodeValidationFailed, resp.errorCode(t))
		require.Contains(t, string(resp.body), "loop")
	}
	up := e.upload(id, "a", "y.txt", "y")
	require.Equal(t, http.StatusBadRequest, up.status, "%s", up.body)
	require.Contains(t, string(up.body), "loop")
	require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/files/a", query: ident(id)}).status)
}
