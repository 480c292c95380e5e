package server

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A name with a backslash, which code can make (open('a\\b.txt', 'w')) and
// every request refuses as it is, is listed with it escaped (%5C), so that
// the listed name reaches it: get, content, delete, and a directory in
// path. A name that reads as such an escape (a%5Cb.txt, made by code) is
// escaped once more and reaches itself.
func TestNamesWithABackslashAreReachable(t *testing.T) {
	e := newEnv(t, nil)
	dir := e.sessionWith("bs", "", "ok.txt", "ok")
	require.NoError(t, os.WriteFile(filepath.Join(dir, `a\b.txt`), []byte("backslash"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, `a%5Cb.txt`), []byte("literal"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, `d\e`), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, `d\e`, "in.txt"), []byte("in"), 0o644))

	require.ElementsMatch(t, []string{"ok.txt", "a%5Cb.txt", "a%255Cb.txt", "d%5Ce"}, listedNames(t, e, "bs"))
	for name, content := range map[string]string{"a%5Cb.txt": "backslash", "a%255Cb.txt": "literal"} {
		esc := "/files/" + url.PathEscape(name)
		r := e.do(req{path: esc + "/content", query: ident("bs")})
		require.Equal(t, http.StatusOK, r.status, "content of %s: %s", name, r.body)
		require.Equal(t, content, string(r.body), name)
		r = e.do(req{path: esc, query: ident("bs")})
		require.Equal(t, http.StatusOK, r.status, "GET %s: %s", name, r.body)
		require.Equal(t, name, r.json(t)["name"])
	}
	r := e.do(req{path: "/files/in.txt/content", query: withPath(ident("bs"), "d%5Ce")})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "in", string(r.body))
	for _, name := range []string{"a%5Cb.txt", "d%5Ce"} {
		r := e.do(req{method: http.MethodDelete, path: "/files/" + url.PathEscape(name), query: ident("bs")})
		require.Equal(t, http.StatusNoContent, r.status, "DELETE %s: %s", name, r.body)
	}
	require.ElementsMatch(t, []string{"ok.txt", "a%255Cb.txt"}, listedNames(t, e, "bs"))
	require.NoFileExists(t, filepath.Join(dir, `a\b.txt`))
	require.NoDirExists(t, filepath.Join(dir, `d\e`))
}
