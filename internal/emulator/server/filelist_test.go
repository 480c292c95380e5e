package server

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// pageThrough follows a file listing's nextLinks from the first page and
// returns each entry as directory/name, page by page.
func pageThrough(t testing.TB, e *env, q url.Values) [][]string {
	t.Helper()
	var pages [][]string
	r := e.do(req{path: "/files", query: q})
	for {
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		m := r.json(t)
		var names []string
		for _, v := range m["value"].([]any) {
			f := v.(map[string]any)
			names = append(names, filepath.ToSlash(filepath.Join(f["directory"].(string), f["name"].(string))))
		}
		pages = append(pages, names)
		next, _ := m["nextLink"].(string)
		if next == "" {
			return pages
		}
		require.Less(t, len(pages), 1000, "pages without end")
		u, err := url.Parse(next)
		require.NoError(t, err)
		r = e.do(req{path: u.Path, query: u.Query()})
	}
}

// Paging through a tree, whatever the page size, gives the listing one
// page gives: each directory followed by its contents, names in byte
// order at each level (so "a" and what is in it come before "a-b",
// though "a-b" < "a/x" as strings), with what listings leave out (an
// upload in progress, a link out of the area) at page edges too; no page
// is empty and none but the last lacks a nextLink.
func TestFileListPagesJoinUp(t *testing.T) {
	e := newEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("pj", "", "seed.txt", "x").status)
	dir := e.srv.store.sessions["pj"].dir
	for _, p := range []string{"a/x", "a/y/z", "a-b", "a.b/c", "b/empty/", "b/.azsessions-upload-1", "c", "d/e/f/g", "d/h"} {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if p[len(p)-1] == '/' {
			require.NoError(t, os.MkdirAll(full, 0o755))
			continue
		}
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, nil, 0o644))
	}
	require.NoError(t, os.Symlink("/etc", filepath.Join(dir, "b", "out")))
	want := []string{"a", "a/x", "a/y", "a/y/z", "a-b", "a.b", "a.b/c", "b", "b/empty", "c",
		"d", "d/e", "d/e/f", "d/e/f/g", "d/h", "seed.txt"}
	q := url.Values{"identifier": {"pj"}, "recursive": {"true"}}
	require.Equal(t, [][]string{want}, pageThrough(t, e, q))

	for size := 1; size <= len(want); size++ {
		e.srv.cfg.FilesPageSize = size
		var all []string
		pages := pageThrough(t, e, q)
		for i, p := range pages {
			require.NotEmpty(t, p, "page size %d: page %d is empty", size, i)
			all = append(all, p...)
		}
		require.Equal(t, want, all, "page size %d", size)
		require.Len(t, pages, (len(want)+size-1)/size, "page size %d", size)
	}
}

// A cursor, not an offset, carries a listing on: an entry of an earlier
// page deleted before the next page is asked for made the offset skip an
// entry nobody had seen; the cursor's own entry being gone does not lose
// the next one either.
func TestFileListPagingSurvivesDeletion(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.FilesPageSize = 2 })
	for i := range 6 {
		require.Equal(t, http.StatusOK, e.upload("del", "", fmt.Sprintf("f%d.txt", i), "x").status)
	}
	r := e.do(req{path: "/files", query: ident("del")})
	m := r.json(t)
	require.Len(t, m["value"], 2)
	next, err := url.Parse(m["nextLink"].(string))
	require.NoError(t, err)
	for _, name := range []string{"f0.txt", "f1.txt"} {
		require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/files/" + name, query: ident("del")}).status)
	}
	r = e.do(req{path: next.Path, query: next.Query()})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	var names []string
	for _, v := range r.json(t)["value"].([]any) {
		names = append(names, v.(map[string]any)["name"].(string))
	}
	require.Equal(t, []string{"f2.txt", "f3.txt"}, names)
}

// A page describes (stats) what it lists and one entry more, never what
// earlier pages listed: paging through costs about one listing, where it
// cost a whole listing per page.
func TestFileListPageDescribesOnlyItsEntries(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.FilesPageSize = 10 })
	require.Equal(t, http.StatusOK, e.upload("cost", "", "seed.txt", "x").status)
	dir := e.srv.store.sessions["cost"].dir
	for i := range 200 {
		p := filepath.Join(dir, fmt.Sprintf("d%d", i/20), fmt.Sprintf("f%03d", i))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, nil, 0o644))
	}
	q := url.Values{"identifier": {"cost"}, "recursive": {"true"}}
	before := e.srv.stats.described.Load()
	pages := pageThrough(t, e, q)
	entries := 0
	for _, p := range pages {
		entries += len(p)
	}
	require.Equal(t, 211, entries)
	require.LessOrEqual(t, e.srv.stats.described.Load()-before, int64(entries+len(pages)))
}

// A skipToken is what a nextLink carried: anything else is a bad request,
// and a well-formed one past the end gives an empty last page.
func TestFileListSkipTokenErrors(t *testing.T) {
	e := newEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("tok", "", "a.txt", "x").status)
	b64 := base64.RawURLEncoding.EncodeToString
	for _, tok := range []string{"!!", "a", b64([]byte("a//b")), b64([]byte("/a")), b64([]byte("../a")), b64([]byte("a/./b")), b64([]byte("a/")), b64([]byte("."))} {
		q := ident("tok")
		q.Set("skipToken", tok)
		r := e.do(req{path: "/files", query: q})
		require.Equal(t, http.StatusBadRequest, r.status, "%q: %s", tok, r.body)
		require.Contains(t, r.json(t)["error"].(map[string]any)["message"], "skipToken")
	}
	q := ident("tok")
	q.Set("skipToken", base64.RawURLEncoding.EncodeToString([]byte("zzz")))
	r := e.do(req{path: "/files", query: q})
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, map[string]any{"value": []any{}}, r.json(t))
}
