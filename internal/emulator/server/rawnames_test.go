package server

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// listedNames lists session id's top directory: each entry's name.
func listedNames(t *testing.T, e *env, id string) []string {
	t.Helper()
	r := e.do(req{path: "/files", query: ident(id)})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var names []string
	for _, v := range r.json(t)["value"].([]any) {
		names = append(names, v.(map[string]any)["name"].(string))
	}
	return names
}

// A name that is valid UTF-8 but reads as a listing's escape of one that
// is not ("a%FF", made by code beside "a\xff") is listed with its '%'
// escaped too, so that the two never share a name: each listed name gets,
// downloads and deletes its own file, and nothing else.
func TestNamesThatReadAsEscapesDoNotClash(t *testing.T) {
	e := newEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("c", "", "ok.txt", "ok").status)
	dir := e.sessionDir("c")
	onDisk := map[string]string{ // the name code made -> its content
		"a\xff":   "raw",
		"a%FF":    "literal",
		"a%25FF":  "literal, escaped",
		"50%.txt": "a % that escapes nothing",
	}
	for name, content := range onDisk {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	listed := map[string]string{ // the name a listing shows -> the name on disk
		"a%FF":     "a\xff",
		"a%25FF":   "a%FF",
		"a%2525FF": "a%25FF",
		"50%.txt":  "50%.txt",
		"ok.txt":   "ok.txt",
	}
	require.ElementsMatch(t, keys(listed), listedNames(t, e, "c"))
	for name, disk := range listed {
		if name == "ok.txt" {
			continue
		}
		esc := "/files/" + url.PathEscape(name)
		r := e.do(req{path: esc, query: ident("c")})
		require.Equal(t, http.StatusOK, r.status, "%s: %s", name, r.body)
		require.Equal(t, name, r.json(t)["name"], "GET %s", name)
		r = e.do(req{path: esc + "/content", query: ident("c")})
		require.Equal(t, http.StatusOK, r.status, "%s: %s", name, r.body)
		require.Equal(t, onDisk[disk], string(r.body), "the content of %s", name)
	}
	for name, disk := range listed {
		if name == "ok.txt" {
			continue
		}
		r := e.do(req{method: http.MethodDelete, path: "/files/" + url.PathEscape(name), query: ident("c")})
		require.Equal(t, http.StatusNoContent, r.status, "%s: %s", name, r.body)
		require.NoFileExists(t, filepath.Join(dir, disk), "DELETE %s", name)
		delete(listed, name)
		require.ElementsMatch(t, keys(listed), listedNames(t, e, "c"), "after DELETE %s", name)
	}
}

// Names in requests are the names listings show: an upload named "b%FE.txt"
// makes the file a listing shows under that name (on disk "b\xfe.txt",
// where code finds it), and "b%25FE.txt" the file "b%FE.txt". A filename,
// path or name that is not UTF-8 itself is no name a listing shows: 400,
// nothing stored.
func TestRequestNamesAreListedNames(t *testing.T) {
	e := newEnv(t, nil)
	for name, disk := range map[string]string{"b%FE.txt": "b\xfe.txt", "b%25FE.txt": "b%FE.txt"} {
		r := e.upload("r", "", name, name)
		require.Equal(t, http.StatusOK, r.status, "%s: %s", name, r.body)
		require.Equal(t, name, r.json(t)["name"])
		got, err := os.ReadFile(filepath.Join(e.sessionDir("r"), disk))
		require.NoError(t, err, "upload of %s", name)
		require.Equal(t, name, string(got))
	}
	require.ElementsMatch(t, []string{"b%FE.txt", "b%25FE.txt"}, listedNames(t, e, "r"))
	r := e.upload("r", "d%FE", "in.txt", "in")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "d%FE", r.json(t)["directory"])
	require.FileExists(t, filepath.Join(e.sessionDir("r"), "d\xfe", "in.txt"))

	before := listedNames(t, e, "r")
	for what, r := range map[string]response{
		"a filename":      e.upload("r", "", "\xff.txt", "x"),
		"an upload path":  e.upload("r", "\xfe", "x.txt", "x"),
		"a name":          e.do(req{path: "/files/%FF.txt", query: ident("r")}),
		"a content name":  e.do(req{path: "/files/%FE.txt/content", query: withPath(ident("r"), "d\xfe")}),
		"a listing path":  e.do(req{path: "/files", query: withPath(ident("r"), "d\xfe")}),
		"a deletion name": e.do(req{method: http.MethodDelete, path: "/files/b%FE.txt", query: ident("r")}),
	} {
		require.Equal(t, http.StatusBadRequest, r.status, "%s that is not UTF-8: %s", what, r.body)
		require.Equal(t, CodeValidationFailed, r.errorCode(t), "%s", what)
	}
	require.Equal(t, before, listedNames(t, e, "r"))
	require.NoFileExists(t, filepath.Join(e.sessionDir("r"), "\xff.txt"))
	require.NoDirExists(t, filepath.Join(e.sessionDir("r"), "\xfe"))
}

func keys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// A name with a control character (code's "a\tb.txt", or "x\n.csv" from a
// title with a newline) is listed escaped as well ("a%09b.txt"), since a
// request cannot name it as it is (control characters are refused in
// names): the listed name gets, downloads and deletes it. Uploads still
// make no such names.
func TestNamesWithControlCharactersAreListedEscaped(t *testing.T) {
	e := newEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("cc", "", "ok.txt", "ok").status)
	dir := e.sessionDir("cc")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a\tb.txt"), []byte("tab"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "x\ny"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x\ny", "in.txt"), []byte("in"), 0o644))
	require.ElementsMatch(t, []string{"a%09b.txt", "x%0Ay", "ok.txt"}, listedNames(t, e, "cc"))

	r := e.do(req{path: "/files/" + url.PathEscape("a%09b.txt") + "/content", query: ident("cc")})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "tab", string(r.body))
	r = e.do(req{path: "/files/in.txt/content", query: withPath(ident("cc"), "x%0Ay")})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "in", string(r.body))
	r = e.do(req{method: http.MethodDelete, path: "/files/" + url.PathEscape("a%09b.txt"), query: ident("cc")})
	require.Equal(t, http.StatusNoContent, r.status, "%s", r.body)
	require.NoFileExists(t, filepath.Join(dir, "a\tb.txt"))

	r = e.upload("cc", "", "up%09load.txt", "x")
	require.Equal(t, http.StatusBadRequest, r.status, "an upload made a name with a control character: %s", r.body)
}
