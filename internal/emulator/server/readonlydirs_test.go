package server

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Code may leave directories it cannot write to, or read: chmod a-w, or
// Go's module cache, which HOME=/mnt/data puts in a shell session's area.
// Deleting such a directory, deleting its session and closing the
// emulator still remove everything, as they do for root (and as the
// service, whose sessions' code runs as root, would). The test cannot
// fail for root, which ignores the modes.
func TestReadOnlyDirectoriesAreRemoved(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root removes read-only directories anyway")
	}
	root := t.TempDir()
	e := newEnv(t, func(c *Config) { c.Root = root })
	lock := func(id string) string {
		t.Helper()
		dir := e.sessionWith(id, "d/e", "x.txt", "x")
		require.NoError(t, os.Chmod(filepath.Join(dir, "d", "e"), 0))
		require.NoError(t, os.Chmod(filepath.Join(dir, "d"), 0o500))
		return dir
	}

	lock("files")
	resp := e.do(req{method: http.MethodDelete, path: "/files/d", query: ident("files")})
	require.Equal(t, http.StatusNoContent, resp.status, "%s", resp.body)
	require.NoDirExists(t, filepath.Join(e.sessionDir("files"), "d"))

	dir := lock("session")
	require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/session", query: ident("session")}).status)
	require.NoDirExists(t, dir)

	lock("close")
	require.NoError(t, e.srv.Close())
	left, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Empty(t, left, "Close leaves nothing in the root")
}
