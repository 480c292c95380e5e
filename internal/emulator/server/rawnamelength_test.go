package server

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// NAME_MAX bounds a name as the file system has it, not as a listing
// shows it: a listing spells each byte that is not UTF-8 as three (%XX),
// and each '%' of a name that reads as an escape as three, so a name code
// made within the bound may be listed past it. The listed name still
// reaches its file (get, content, delete, a directory in path, an upload
// into it), and an upload may use it; a name past the bound once mapped
// back is refused.
func TestLongListedNamesReachTheirFiles(t *testing.T) {
	e := newEnv(t, nil)
	dir := e.sessionWith("l", "", "ok.txt", "ok")
	notUTF8 := strings.Repeat("\xff", 100)         // listed as 300 bytes
	readsAsEsc := strings.Repeat("%FF", 80)        // 240 bytes, listed as 400
	subdir := strings.Repeat("\xfe", maxNameBytes) // listed as 765 bytes
	require.NoError(t, os.WriteFile(filepath.Join(dir, notUTF8), []byte("raw"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, readsAsEsc), []byte("literal"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, subdir), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, subdir, "in.txt"), []byte("in"), 0o644))

	listed := map[string]string{ // listed name -> content
		strings.Repeat("%FF", 100):  "raw",
		strings.Repeat("%25FF", 80): "literal",
	}
	require.ElementsMatch(t, []string{"ok.txt", strings.Repeat("%FE", maxNameBytes),
		strings.Repeat("%FF", 100), strings.Repeat("%25FF", 80)}, listedNames(t, e, "l"))
	for name, content := range listed {
		esc := "/files/" + url.PathEscape(name)
		r := e.do(req{path: esc, query: ident("l")})
		require.Equal(t, http.StatusOK, r.status, "GET of a %d-byte listed name: %s", len(name), r.body)
		require.Equal(t, name, r.json(t)["name"])
		r = e.do(req{path: esc + "/content", query: ident("l")})
		require.Equal(t, http.StatusOK, r.status, "content of a %d-byte listed name: %s", len(name), r.body)
		require.Equal(t, content, string(r.body))
	}
	shownDir := strings.Repeat("%FE", maxNameBytes)
	r := e.do(req{path: "/files", query: withPath(ident("l"), shownDir)})
	require.Equal(t, http.StatusOK, r.status, "listing of a directory listed as %d bytes: %s", len(shownDir), r.body)
	r = e.do(req{path: "/files/in.txt/content", query: withPath(ident("l"), shownDir)})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "in", string(r.body))
	r = e.upload("l", shownDir, strings.Repeat("%FD", 200), "up")
	require.Equal(t, http.StatusOK, r.status, "upload of a 600-byte listed name into it: %s", r.body)
	require.FileExists(t, filepath.Join(dir, subdir, strings.Repeat("\xfd", 200)))
	for name := range listed {
		r := e.do(req{method: http.MethodDelete, path: "/files/" + url.PathEscape(name), query: ident("l")})
		require.Equal(t, http.StatusNoContent, r.status, "DELETE of a %d-byte listed name: %s", len(name), r.body)
	}
	require.ElementsMatch(t, []string{"ok.txt", shownDir}, listedNames(t, e, "l"))

	// Past NAME_MAX once mapped back: 400, nothing stored.
	for what, r := range map[string]response{
		"a name":         e.do(req{path: "/files/" + url.PathEscape(strings.Repeat("%FF", maxNameBytes+1)), query: ident("l")}),
		"a plain name":   e.do(req{path: "/files/" + strings.Repeat("x", maxNameBytes+1), query: ident("l")}),
		"an upload name": e.upload("l", "", strings.Repeat("%FC", maxNameBytes+1), "x"),
		"a path":         e.do(req{path: "/files", query: withPath(ident("l"), "a/"+strings.Repeat("%FB", maxNameBytes+1))}),
	} {
		require.Equal(t, http.StatusBadRequest, r.status, "%s past %d bytes: %s", what, maxNameBytes, r.body)
		require.Equal(t, CodeValidationFailed, r.errorCode(t), "%s", what)
	}
	require.ElementsMatch(t, []string{"ok.txt", shownDir}, listedNames(t, e, "l"))
}

// A directory listed longer than 4096 bytes (each of its bytes that is
// not UTF-8 listed as %XX) whose path, as the file system has it, fits
// PATH_MAX is reached by its listed path in an upload's "path" form field
// as it is in the path query parameter.
func TestLongListedPathInTheUploadPathField(t *testing.T) {
	e := newEnv(t, nil)
	elem := strings.Repeat("\xfe", maxNameBytes)
	raw := strings.Repeat("/"+elem, 6)[1:] // 1535 bytes
	require.NoError(t, os.MkdirAll(filepath.Join(e.sessionWith("lp", "", "ok.txt", "ok"), raw), 0o755))
	shown := strings.Repeat("/"+strings.Repeat("%FE", maxNameBytes), 6)[1:] // 4595 bytes
	require.Greater(t, len(shown), maxPathBytes)

	r := e.upload("lp", shown, "q.txt", "by query")
	require.Equal(t, http.StatusOK, r.status, "upload with the listed path as query: %s", r.body)
	body, ct := multipartBody(t, [3]string{"path", "", shown}, [3]string{"file", "f.txt", "by field"})
	r = e.do(req{method: http.MethodPost, path: "/files", query: ident("lp"), body: body, ctype: ct})
	require.Equal(t, http.StatusOK, r.status, "upload with the listed path as form field: %s", r.body)
	require.Equal(t, shown, r.json(t)["directory"])
	content, err := os.ReadFile(filepath.Join(e.sessionDir("lp"), raw, "f.txt"))
	require.NoError(t, err)
	require.Equal(t, "by field", string(content))
}
