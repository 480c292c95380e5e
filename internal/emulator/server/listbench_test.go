package server

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkFileListPaging lists a session of 10,000 files in pages of
// 300, through HTTP:
//
//   - tree, flat: the files in 100 directories of 100 (listed
//     recursively), or all in one directory;
//   - first-page: one request for the first page;
//   - all-pages: following nextLink to the end (34 requests).
//
// Paging through should cost about what the pages return, not the pages
// times the whole tree.
func BenchmarkFileListPaging(b *testing.B) {
	for _, shape := range []string{"tree", "flat"} {
		e := newEnv(b, func(c *Config) { c.FilesPageSize = 300 })
		require200(b, e.upload("bench", "", "seed.txt", "x"))
		dir := e.srv.store.sessions["bench"].dir
		for i := range 10000 {
			p := filepath.Join(dir, fmt.Sprintf("f%05d.txt", i))
			if shape == "tree" {
				p = filepath.Join(dir, fmt.Sprintf("d%03d", i/100), fmt.Sprintf("f%05d.txt", i))
			}
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		q := url.Values{"identifier": {"bench"}, "recursive": {"true"}}
		b.Run(shape+"/first-page", func(b *testing.B) {
			for b.Loop() {
				require200(b, e.do(req{path: "/files", query: q}))
			}
		})
		b.Run(shape+"/all-pages", func(b *testing.B) {
			for b.Loop() {
				if pages := pageThrough(b, e, q); len(pages) < 34 {
					b.Fatalf("listed %d pages", len(pages))
				}
			}
		})
	}
}

func require200(tb testing.TB, r response) {
	tb.Helper()
	if r.status != http.StatusOK {
		tb.Fatalf("status %d: %s", r.status, r.body)
	}
}

// BenchmarkFileListDeep lists, recursively, a chain of 200 directories
// each holding one file: opening each directory from the area's root
// costs a lookup per directory on its path, depth² for the chain, where
// opening it from its parent costs one.
func BenchmarkFileListDeep(b *testing.B) {
	e := newEnv(b, nil)
	require200(b, e.upload("bench", "", "seed.txt", "x"))
	dir := e.srv.store.sessions["bench"].dir
	for range 200 {
		dir = filepath.Join(dir, "d")
		if err := os.Mkdir(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "f"), nil, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	q := url.Values{"identifier": {"bench"}, "recursive": {"true"}}
	for b.Loop() {
		require200(b, e.do(req{path: "/files", query: q}))
	}
}
