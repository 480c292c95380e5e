package server

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestFileRoundTrip(t *testing.T) {
	e := newEnv(t, nil)
	resp := e.upload("f", "", "data.csv", "a,b\n1,2\n")
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	m := resp.json(t)
	require.Equal(t, "data.csv", m["name"])
	require.Equal(t, "file", m["type"])
	require.Equal(t, float64(8), m["sizeInBytes"])
	require.Equal(t, "", m["directory"])
	require.Contains(t, m["contentType"], "text/csv")
	_, err := time.Parse(time.RFC3339Nano, m["lastModifiedAt"].(string))
	require.NoError(t, err)

	// The code sees the uploaded file, and the Files API sees what code wrote.
	require.Equal(t, "a,b\n1,2\n", result(e.run("f", "read data.csv"))["stdout"])
	e.run("f", "write out.txt from code")
	resp = e.do(req{path: "/files/out.txt/content", query: ident("f")})
	require.Equal(t, http.StatusOK, resp.status)
	require.Equal(t, "from code", string(resp.body))
	require.Equal(t, "text/plain; charset=utf-8", resp.header.Get("Content-Type"))
	require.Equal(t, "9", resp.header.Get("Content-Length"))
	require.NotEmpty(t, resp.header.Get("Last-Modified"))

	resp = e.do(req{path: "/files/out.txt", query: ident("f")})
	require.Equal(t, http.StatusOK, resp.status)
	require.Equal(t, float64(9), resp.json(t)["sizeInBytes"])

	list := e.do(req{path: "/files", query: ident("f")}).json(t)
	names := []string{}
	for _, v := range list["value"].([]any) {
		names = append(names, v.(map[string]any)["name"].(string))
	}
	require.Equal(t, []string{"data.csv", "out.txt"}, names)
	require.NotContains(t, list, "nextLink")

	resp = e.do(req{method: http.MethodDelete, path: "/files/data.csv", query: ident("f")})
	require.Equal(t, http.StatusNoContent, resp.status)
	require.Empty(t, resp.body)
	for _, p := range []string{"/files/data.csv", "/files/data.csv/content"} {
		resp = e.do(req{path: p, query: ident("f")})
		require.Equal(t, http.StatusNotFound, resp.status)
		require.Equal(t, CodeFileNotFound, resp.errorCode(t))
	}
	resp = e.do(req{method: http.MethodDelete, path: "/files/data.csv", query: ident("f")})
	require.Equal(t, http.StatusNotFound, resp.status)

	// Unknown extension: octet-stream, never sniffed.
	e.upload("f", "", "blob.zzz", "<html>")
	resp = e.do(req{path: "/files/blob.zzz/content", query: ident("f")})
	require.Equal(t, "application/octet-stream", resp.header.Get("Content-Type"))
}

func TestFileDirectoriesAndRecursiveListing(t *testing.T) {
	e := newEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("d", "level1/level2", "deep.txt", "deep").status)
	require.Equal(t, http.StatusOK, e.upload("d", "/mnt/data/level1", "mid.txt", "mid").status)
	require.Equal(t, http.StatusOK, e.upload("d", "/", "top.txt", "top").status)
	m := e.upload("d", "/level1/", "mid2.txt", "mid2").json(t)
	require.Equal(t, "level1", m["directory"])

	type entry struct{ dir, name, typ string }
	list := func(q url.Values, version string) []entry {
		r := e.do(req{path: "/files", query: q, version: version})
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		var out []entry
		for _, v := range r.json(t)["value"].([]any) {
			f := v.(map[string]any)
			d, _ := f["directory"].(string)
			out = append(out, entry{d, f["name"].(string), f["type"].(string)})
			if f["type"] == "directory" {
				require.Equal(t, float64(0), f["sizeInBytes"])
				require.Equal(t, "application/octet-stream", f["contentType"])
			}
		}
		return out
	}
	q := ident("d")
	require.Equal(t, []entry{{"", "level1", "directory"}, {"", "top.txt", "file"}}, list(q, ""))
	q.Set("recursive", "true")
	require.Equal(t, []entry{
		{"", "level1", "directory"},
		{"level1", "level2", "directory"},
		{"level1/level2", "deep.txt", "file"},
		{"level1", "mid.txt", "file"},
		{"level1", "mid2.txt", "file"},
		{"", "top.txt", "file"},
	}, list(q, ""))
	// Listing a path: each entry's directory is relative to that path, as
	// in the spec's examples.
	q = ident("d")
	q.Set("path", "/mnt/data/level1")
	require.Equal(t, []entry{{"", "level2", "directory"}, {"", "mid.txt", "file"}, {"", "mid2.txt", "file"}}, list(q, ""))
	require.Equal(t, http.StatusOK, e.upload("d", "level1/level2/level3", "deeper.txt", "x").status)
	rq := ident("d")
	rq.Set("path", "level1")
	rq.Set("recursive", "true")
	require.Equal(t, []entry{
		{"", "level2", "directory"},
		{"level2", "deep.txt", "file"},
		{"level2", "level3", "directory"},
		{"level2/level3", "deeper.txt", "file"},
		{"", "mid.txt", "file"},
		{"", "mid2.txt", "file"},
	}, list(rq, ""))
	require.Equal(t, http.StatusOK, e.upload("d", ".hidden", "h.txt", "h").status)
	rq = ident("d")
	rq.Set("recursive", "true")
	require.Contains(t, list(rq, ""), entry{".hidden", "h.txt", "file"})
	require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/files/.hidden", query: ident("d")}).status)

	// "directory" is a 2025-10-02-preview field.
	r := e.do(req{path: "/files", query: q, version: V20250202Preview})
	require.NotContains(t, string(r.body), `"directory":`)

	q.Set("path", "level1/level2")
	resp := e.do(req{path: "/files/deep.txt/content", query: q})
	require.Equal(t, "deep", string(resp.body))
	q.Set("path", "nope")
	resp = e.do(req{path: "/files", query: q})
	require.Equal(t, http.StatusNotFound, resp.status)
	q.Set("path", "top.txt")
	require.Equal(t, http.StatusBadRequest, e.do(req{path: "/files", query: q}).status)
	q = ident("d")
	q.Set("recursive", "maybe")
	require.Equal(t, http.StatusBadRequest, e.do(req{path: "/files", query: q}).status)

	// Deleting a directory takes its contents.
	require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/files/level1", query: ident("d")}).status)
	q = ident("d")
	q.Set("recursive", "true")
	require.Equal(t, []entry{{"", "top.txt", "file"}}, list(q, ""))
}

func TestFileListPaging(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.FilesPageSize = 2 })
	for i := range 5 {
		e.upload("pg", "", fmt.Sprintf("f%d.txt", i), "x")
	}
	var names []string
	next := e.http.URL + "/files?" + url.Values{"api-version": {testVersion}, "identifier": {"pg"}}.Encode()
	for pages := 0; next != ""; pages++ {
		require.Less(t, pages, 10)
		u, err := url.Parse(next)
		require.NoError(t, err)
		require.True(t, u.IsAbs())
		r := e.do(req{path: u.Path, query: u.Query()})
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		m := r.json(t)
		for _, v := range m["value"].([]any) {
			names = append(names, v.(map[string]any)["name"].(string))
		}
		next, _ = m["nextLink"].(string)
	}
	require.Equal(t, []string{"f0.txt", "f1.txt", "f2.txt", "f3.txt", "f4.txt"}, names)
}

func TestFileNamesRoundTrip(t *testing.T) {
	e := newEnv(t, nil)
	for _, name := range []string{"with space.txt", "ünïcødé 文件.md", "hash#1.txt", "100%.txt", "a&b+c=d.txt", "semi;colon,@$^().txt", "?question.txt"} {
		resp := e.upload("names", "", name, "content of "+name)
		require.Equal(t, http.StatusOK, resp.status, "%q: %s", name, resp.body)
		require.Equal(t, name, resp.json(t)["name"])
		esc := "/files/" + url.PathEscape(name)
		resp = e.do(req{path: esc + "/content", query: ident("names")})
		require.Equal(t, http.StatusOK, resp.status, name)
		require.Equal(t, "content of "+name, string(resp.body))
		require.Equal(t, name, e.do(req{path: esc, query: ident("names")}).json(t)["name"])
		require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: esc, query: ident("names")}).status)
	}
	// The client may name the part /mnt/data/<name>.
	resp := e.upload("names", "", "/mnt/data/prefixed.txt", "p")
	require.Equal(t, "prefixed.txt", resp.json(t)["name"])
}

func TestUploadErrors(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxUploadBytes = 1000 })
	q := ident("up")

	body, ct := multipartBody(t, [3]string{"other", "x.txt", "data"})
	resp := e.do(req{method: http.MethodPost, path: "/files", query: q, body: body, ctype: ct})
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Equal(t, CodeValidationFailed, resp.errorCode(t))
	require.Contains(t, resp.json(t)["error"].(map[string]any)["message"], `"file"`)

	resp = e.do(req{method: http.MethodPost, path: "/files", query: q, body: strings.NewReader("{}"), ctype: "application/json"})
	require.Equal(t, http.StatusBadRequest, resp.status)

	resp = e.do(req{method: http.MethodPost, path: "/files", query: q, body: strings.NewReader("--x\r\nbroken"), ctype: "multipart/form-data; boundary=x"})
	require.Equal(t, http.StatusBadRequest, resp.status)

	resp = e.upload("up", "", "big.bin", strings.Repeat("b", 1001))
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.status)
	require.Equal(t, CodePayloadTooLarge, resp.errorCode(t))
	resp = e.upload("up", "", "exact.bin", strings.Repeat("b", 1000))
	require.Equal(t, http.StatusOK, resp.status)

	// Over the limit by a lot, larger than the overhead allowance.
	resp = e.upload("up", "", "huge.bin", strings.Repeat("h", 3<<20))
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.status)

	// No partial file or temporary file is left, and the session works.
	list := e.do(req{path: "/files", query: q}).json(t)["value"].([]any)
	require.Len(t, list, 1)
	require.Equal(t, "exact.bin", list[0].(map[string]any)["name"])
	require.Equal(t, "Succeeded", e.run("up", "print ok")["status"])
	entries, err := os.ReadDir(e.sessionDir("up"))
	require.NoError(t, err)
	require.Len(t, entries, 1)

	// Uploading over an existing file replaces it.
	e.upload("up", "", "exact.bin", "new")
	require.Equal(t, "new", string(e.do(req{path: "/files/exact.bin/content", query: q}).body))
}

// sessionDir returns the file area of a live session.
func (e *env) sessionDir(id string) string {
	e.srv.store.mu.Lock()
	defer e.srv.store.mu.Unlock()
	s := e.srv.store.sessions[id]
	require.NotNil(e.t, s, id)
	return s.dir
}

func TestFileIsolationAndHostileInput(t *testing.T) {
	e := newEnv(t, nil)
	victimDir := e.sessionWith("victim", "", "secret.txt", "victim's secret")

	// Another identifier does not see it.
	resp := e.do(req{path: "/files/secret.txt/content", query: ident("attacker")})
	require.Equal(t, http.StatusNotFound, resp.status)
	require.Empty(t, e.do(req{path: "/files", query: ident("attacker")}).json(t)["value"])

	attackerDir := e.sessionDir("attacker")
	rel, err := filepath.Rel(attackerDir, victimDir)
	require.NoError(t, err)

	hostilePaths := []string{"..", "../" + filepath.Base(victimDir), "a/../../x", "/mnt/data/../etc", `..\x`, "/etc/../..", "sub\x00dir"}
	for _, p := range hostilePaths {
		q := ident("attacker")
		q.Set("path", p)
		for _, r := range []req{
			{path: "/files", query: q},
			{path: "/files/secret.txt", query: q},
			{path: "/files/secret.txt/content", query: q},
			{method: http.MethodDelete, path: "/files/secret.txt", query: q},
		} {
			resp := e.do(r)
			require.Equal(t, http.StatusBadRequest, resp.status, "path %q %s %s: %s", p, r.method, r.path, resp.body)
			require.Equal(t, CodeValidationFailed, resp.errorCode(t))
		}
		resp := e.upload("attacker", p, "x.txt", "x")
		require.Equal(t, http.StatusBadRequest, resp.status, "upload path %q", p)
	}
	// Absolute paths are taken relative to the area, never to the host.
	q := ident("attacker")
	q.Set("path", victimDir)
	require.Equal(t, http.StatusNotFound, e.do(req{path: "/files/secret.txt/content", query: q}).status)

	for _, name := range []string{"..", ".", "a/b", `a\b`, "../" + rel + "/secret.txt", "x\x01"} {
		esc := "/files/" + url.PathEscape(name)
		for _, r := range []req{
			{path: esc, query: ident("attacker")},
			{path: esc + "/content", query: ident("attacker")},
			{method: http.MethodDelete, path: esc, query: ident("attacker")},
		} {
			resp := e.do(r)
			require.Equal(t, http.StatusBadRequest, resp.status, "name %q %s: %s", name, r.path, resp.body)
		}
		resp := e.upload("attacker", "", name, "x")
		require.Equal(t, http.StatusBadRequest, resp.status, "upload name %q: %s", name, resp.body)
	}
	for _, name := range []string{"../escape.txt", "/etc/passwd", "sub/x.txt"} {
		resp := e.upload("attacker", "", name, "x")
		require.Equal(t, http.StatusBadRequest, resp.status, "upload name %q", name)
	}

	// Symbolic links planted by the session's code that lead out are refused.
	e.run("attacker", "symlink "+filepath.Join(victimDir, "secret.txt")+" abs-link")
	e.run("attacker", "symlink "+filepath.Join(rel, "secret.txt")+" rel-link")
	e.run("attacker", "symlink "+rel+" dir-link")
	e.run("attacker", "symlink /etc etc-link")
	for _, name := range []string{"abs-link", "rel-link", "dir-link", "etc-link"} {
		resp := e.do(req{path: "/files/" + name + "/content", query: ident("attacker")})
		require.Equal(t, http.StatusBadRequest, resp.status, "%s: %s", name, resp.body)
		require.NotContains(t, string(resp.body), "victim's secret")
		resp = e.do(req{path: "/files/" + name, query: ident("attacker")})
		require.Equal(t, http.StatusBadRequest, resp.status, name)
	}
	q = ident("attacker")
	q.Set("path", "dir-link")
	require.Equal(t, http.StatusBadRequest, e.do(req{path: "/files/secret.txt/content", query: q}).status)
	require.Equal(t, http.StatusBadRequest, e.upload("attacker", "dir-link", "planted.txt", "x").status)
	_, err = os.Stat(filepath.Join(victimDir, "planted.txt"))
	require.ErrorIs(t, err, os.ErrNotExist)
	// Listings leave escaping links out.
	for _, v := range e.do(req{path: "/files", query: ident("attacker")}).json(t)["value"].([]any) {
		require.NotContains(t, v.(map[string]any)["name"], "link")
	}
	// Deleting a link removes the link, not its target.
	require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/files/abs-link", query: ident("attacker")}).status)
	require.FileExists(t, filepath.Join(victimDir, "secret.txt"))

	// A link that stays inside the area works.
	e.run("attacker", "write real.txt inside\nsymlink real.txt inner-link")
	require.Equal(t, "inside", string(e.do(req{path: "/files/inner-link/content", query: ident("attacker")}).body))
}

func TestFileRequestOnASessionDeletedUnderItIsNotFound(t *testing.T) {
	e := newEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("gone", "", "a.txt", "x").status)
	// What DELETE /session does to a request that already holds the
	// session: its file area is closed under it.
	e.srv.store.mu.Lock()
	root := e.srv.store.sessions["gone"].root
	e.srv.store.mu.Unlock()
	require.NoError(t, root.Close())

	for _, resp := range []response{
		e.upload("gone", "", "b.txt", "y"),
		e.do(req{path: "/files/a.txt/content", query: ident("gone")}),
		e.do(req{path: "/files", query: ident("gone")}),
	} {
		require.Equal(t, http.StatusNotFound, resp.status, "%s", resp.body)
		require.Equal(t, CodeSessionNotFound, resp.errorCode(t))
	}
}

func TestFileLinksToMntDataPathsAreFollowedInsideTheArea(t *testing.T) {
	// ln -s /mnt/data/a.txt b.txt in a shell session stores the absolute
	// /mnt/data path, which the service follows.
	e := newEnv(t, nil)
	q := ident("links")
	e.run("links", "write real.txt inside\nsymlink /mnt/data/real.txt abs-link\nsymlink /mnt/data top-link\nsymlink /mnt/data/../../etc/passwd climb-link\nsymlink /mnt/datax/real.txt lookalike")
	require.NoError(t, os.Mkdir(filepath.Join(e.sessionDir("links"), "sub"), 0o755))
	e.run("links", "symlink /mnt/data/abs-link sub/chained")

	for _, p := range []string{"/files/abs-link/content", "/files/chained/content?path=sub"} {
		u, query, _ := strings.Cut(p, "?")
		qq := ident("links")
		if query != "" {
			qq.Set("path", strings.TrimPrefix(query, "path="))
		}
		resp := e.do(req{path: u, query: qq})
		require.Equal(t, http.StatusOK, resp.status, "%s: %s", p, resp.body)
		require.Equal(t, "inside", string(resp.body), p)
	}
	meta := e.do(req{path: "/files/abs-link", query: q})
	require.Equal(t, http.StatusOK, meta.status, "%s", meta.body)
	require.Equal(t, float64(len("inside")), meta.json(t)["sizeInBytes"])

	var names []string
	for _, f := range e.do(req{path: "/files", query: q}).json(t)["value"].([]any) {
		names = append(names, f.(map[string]any)["name"].(string))
	}
	require.Contains(t, names, "abs-link")
	require.Contains(t, names, "top-link", "a link to /mnt/data itself is a directory")
	// ".." cannot climb above the area: /mnt/data/../../etc/passwd is
	// /mnt/data/etc/passwd, which does not exist; nor is /mnt/datax the area.
	require.Equal(t, http.StatusNotFound, e.do(req{path: "/files/climb-link/content", query: q}).status)
	resp := e.do(req{path: "/files/lookalike/content", query: q})
	require.Equal(t, http.StatusBadRequest, resp.status, "%s", resp.body)
}

// A path that goes through a file (a.txt/b when a.txt is a file) names no
// file: getting, downloading, deleting or listing it is a 404, as for any
// missing file, not a 500 that tells a client the service failed.
func TestFilePathThroughAFileIsNotFound(t *testing.T) {
	e := newEnv(t, nil)
	resp := e.upload("f", "", "a.txt", "x")
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	for _, r := range []req{
		{path: "/files/b", query: url.Values{"identifier": {"f"}, "path": {"a.txt"}}},
		{path: "/files/b/content", query: url.Values{"identifier": {"f"}, "path": {"a.txt"}}},
		{method: http.MethodDelete, path: "/files/b", query: url.Values{"identifier": {"f"}, "path": {"a.txt"}}},
		{path: "/files", query: url.Values{"identifier": {"f"}, "path": {"a.txt/sub"}}},
	} {
		resp := e.do(r)
		require.Equal(t, http.StatusNotFound, resp.status, "%s %s?%s: %s", r.method, r.path, r.query.Encode(), resp.body)
	}
}
