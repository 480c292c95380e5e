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

// A file whose name is not UTF-8 (made by code) cannot be named in JSON as
// it is: listings show it percent-escaped (every byte that is not UTF-8,
// and '%'), and that name reaches it for get, content, delete, and as a
// directory in path. Names that are UTF-8, '%' included, are unchanged
// unless they read as such an escape (rawnames_test.go).
func TestNamesThatAreNotUTF8AreListedEscaped(t *testing.T) {
	e := newEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("u", "", "ok.txt", "ok").status)
	dir := e.sessionWith("u", "", "50%FF.txt", "literal")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "a\xffb%.txt"), []byte("x"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "bad\xfedir"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad\xfedir", "inner.txt"), []byte("in"), 0o644))

	type entry struct{ name, dir string }
	entries := func(r response) []entry {
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var out []entry
		for _, v := range r.json(t)["value"].([]any) {
			m := v.(map[string]any)
			if p, ok := m["properties"].(map[string]any); ok { // legacy
				m = map[string]any{"name": p["filename"], "directory": ""}
			}
			out = append(out, entry{m["name"].(string), m["directory"].(string)})
		}
		return out
	}
	top := []entry{{"50%FF.txt", ""}, {"a%FFb%25.txt", ""}, {"bad%FEdir", ""}, {"ok.txt", ""}}
	require.Equal(t, top, entries(e.do(req{path: "/files", query: ident("u")})))
	q := ident("u")
	q.Set("recursive", "true")
	require.Equal(t, append(top[:3:3], entry{"inner.txt", "bad%FEdir"}, top[3]), entries(e.do(req{path: "/files", query: q})))
	require.Equal(t, []entry{{"inner.txt", ""}}, entries(e.do(req{path: "/files", query: withPath(ident("u"), "bad%FEdir")})))
	require.Equal(t, []entry{{"50%FF.txt", ""}, {"a%FFb%25.txt", ""}, {"ok.txt", ""}},
		entries(e.do(req{path: "/files", query: ident("u"), version: V20240202Preview})))

	// The listed names reach the files; an upload's name is a listed one
	// (rawnames.go): "50%FF.txt" made "50\xff.txt".
	require.FileExists(t, filepath.Join(dir, "50\xff.txt"))
	for name, want := range map[string]string{"a%FFb%25.txt": "x", "50%FF.txt": "literal"} {
		esc := "/files/" + url.PathEscape(name)
		r := e.do(req{path: esc, query: ident("u")})
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		require.Equal(t, name, r.json(t)["name"])
		r = e.do(req{path: esc + "/content", query: ident("u")})
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		require.Equal(t, want, string(r.body))
	}
	r := e.do(req{path: "/files/inner.txt/content", query: withPath(ident("u"), "/mnt/data/bad%FEdir")})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "in", string(r.body))
	require.Equal(t, http.StatusOK, e.upload("u", "bad%FEdir", "up.txt", "up").status)
	require.FileExists(t, filepath.Join(dir, "bad\xfedir", "up.txt"))
	// Escapes that are not the listing's (UTF-8 once unescaped, a '/')
	// name nothing.
	for _, name := range []string{"a%C3%A9.txt", "a%2F%FF", "a%FFb%.txt"} {
		r := e.do(req{path: "/files/" + url.PathEscape(name), query: ident("u")})
		require.Equal(t, http.StatusNotFound, r.status, "%s: %s", name, r.body)
	}

	for _, name := range []string{"a%FFb%25.txt", "bad%FEdir"} {
		r := e.do(req{method: http.MethodDelete, path: "/files/" + url.PathEscape(name), query: ident("u")})
		require.Equal(t, http.StatusNoContent, r.status, "%s", r.body)
	}
	require.NoFileExists(t, filepath.Join(dir, "a\xffb%.txt"))
	require.NoDirExists(t, filepath.Join(dir, "bad\xfedir"))
	require.Equal(t, []entry{{"50%FF.txt", ""}, {"ok.txt", ""}}, entries(e.do(req{path: "/files", query: ident("u")})))
}

// A path segment longer than a file system takes is the request's fault.
func TestOverlongPathSegmentIsABadRequest(t *testing.T) {
	e := newEnv(t, nil)
	long := strings.Repeat("d", 256)
	for _, r := range []req{
		{path: "/files", query: withPath(ident("p"), long)},
		{path: "/files/x.txt", query: withPath(ident("p"), long)},
		{path: "/files/x.txt/content", query: withPath(ident("p"), "a/"+long+"/b")},
		{method: http.MethodDelete, path: "/files/x.txt", query: withPath(ident("p"), long)},
	} {
		resp := e.do(r)
		require.Equal(t, http.StatusBadRequest, resp.status, "%s %s: %s", r.method, r.path, resp.body)
		require.Equal(t, CodeValidationFailed, resp.errorCode(t))
	}
	body, ct := multipartBody(t, [3]string{"file", "x.txt", "x"})
	resp := e.do(req{method: http.MethodPost, path: "/files", query: withPath(ident("p"), long), body: body, ctype: ct})
	require.Equal(t, http.StatusBadRequest, resp.status, "%s", resp.body)
	// A whole path past what the file system takes (many short segments).
	deep := strings.Repeat(strings.Repeat("s", 200)+"/", 25)
	resp = e.do(req{path: "/files", query: withPath(ident("p"), deep)})
	require.Equal(t, http.StatusBadRequest, resp.status, "%s", resp.body)
	body, ct = multipartBody(t, [3]string{"file", "x.txt", "x"})
	resp = e.do(req{method: http.MethodPost, path: "/files", query: withPath(ident("p"), deep), body: body, ctype: ct})
	require.Equal(t, http.StatusBadRequest, resp.status, "%s", resp.body)
	// 255 bytes is allowed.
	body, ct = multipartBody(t, [3]string{"file", "x.txt", "x"})
	resp = e.do(req{method: http.MethodPost, path: "/files", query: withPath(ident("p"), long[:255]), body: body, ctype: ct})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
}

func withPath(q map[string][]string, p string) map[string][]string {
	q["path"] = []string{p}
	return q
}

// Trailing data after the JSON document is refused, not ignored.
func TestJSONBodyWithTrailingDataIsABadRequest(t *testing.T) {
	e := newEnv(t, nil)
	for _, body := range []string{
		`{"code":"print one"}garbage`,
		`{"code":"print one"}{"code":"print two"}`,
		`{"code":"print one"} 1`,
	} {
		resp := e.do(req{method: http.MethodPost, path: "/executions", query: ident("j"), body: strings.NewReader(body), ctype: "application/json"})
		require.Equal(t, http.StatusBadRequest, resp.status, "%s: %s", body, resp.body)
		require.Equal(t, CodeValidationFailed, resp.errorCode(t))
		resp = e.do(req{method: http.MethodPost, path: "/code/execute", query: ident("j"), version: V20240202Preview,
			body: strings.NewReader(`{"properties":{"code":"print one"}}x`), ctype: "application/json"})
		require.Equal(t, http.StatusBadRequest, resp.status, "%s", resp.body)
	}
	// Trailing white space is fine, and no refused body was executed.
	resp := e.do(req{method: http.MethodPost, path: "/executions", query: ident("j"), body: strings.NewReader("{\"code\":\"count\"}\n \r\n"), ctype: "application/json"})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Equal(t, "1\n", result(resp.json(t))["stdout"])
}
