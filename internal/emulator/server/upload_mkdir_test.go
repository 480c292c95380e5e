package server

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// An upload into a directory that cannot be made, because a file is where
// it or one of its parents would be, is a 400 that names the file; the
// file is left as it was.
func TestUploadIntoAFileIsRefused(t *testing.T) {
	e := newEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("f", "", "a.txt", "x").status)
	for _, dir := range []string{"a.txt", "a.txt/sub", "a.txt/sub/deeper"} {
		resp := e.upload("f", dir, "b.txt", "y")
		require.Equal(t, http.StatusBadRequest, resp.status, "%s: %s", dir, resp.body)
		require.Contains(t, string(resp.body), "/mnt/data/a.txt is a file, so the directory /mnt/data/"+dir+" cannot be made")
	}
	resp := e.do(req{path: "/files/a.txt/content", query: ident("f")})
	require.Equal(t, http.StatusOK, resp.status)
	require.Equal(t, "x", string(resp.body))
}
