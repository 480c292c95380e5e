package agenttool

import (
	"strings"
	"testing"
)

func TestParseSandboxPath(t *testing.T) {
	for _, tc := range []struct{ in, abs string }{
		{"", "/mnt/data"},
		{"/mnt/data", "/mnt/data"},
		{"/mnt/data/", "/mnt/data"},
		{"a.csv", "/mnt/data/a.csv"},
		{"./a/./b.csv", "/mnt/data/a/b.csv"},
		{"/mnt/data/a//b.csv", "/mnt/data/a/b.csv"},
		{" out/x.png ", "/mnt/data/out/x.png"},
		{"..a/b..", "/mnt/data/..a/b.."},
	} {
		p, err := parseSandboxPath(tc.in)
		if err != nil || p.abs() != tc.abs {
			t.Errorf("parseSandboxPath(%q) = %q, %v; want %q", tc.in, p.abs(), err, tc.abs)
		}
	}
	for _, in := range []string{"..", "../x", "a/../../x", "/mnt/data/../etc", "/etc/passwd", "/mnt/database", "a\\b", "a\x00b", "a\nb", "\xff"} {
		if p, err := parseSandboxPath(in); err == nil {
			t.Errorf("parseSandboxPath(%q) = %q, want an error", in, p.abs())
		}
	}
}

// FuzzParseSandboxPath checks that no accepted path leaves /mnt/data or
// holds a segment the pool could read as a climb.
func FuzzParseSandboxPath(f *testing.F) {
	for _, s := range []string{"a", "../a", "/mnt/data/x", "a/./b", "/mnt/data/..", "é/ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := parseSandboxPath(in)
		if err != nil {
			return
		}
		abs := p.abs()
		if abs != mountPoint && !strings.HasPrefix(abs, mountPoint+"/") {
			t.Fatalf("%q -> %q is outside %s", in, abs, mountPoint)
		}
		for _, seg := range strings.Split(p.rel(), "/") {
			if seg == ".." || seg == "." || (seg == "" && p.rel() != "") {
				t.Fatalf("%q -> %q has segment %q", in, p.rel(), seg)
			}
		}
		if strings.ContainsAny(p.name, "/\\") {
			t.Fatalf("%q -> name %q holds a separator", in, p.name)
		}
	})
}

// FuzzStripFence checks that stripping never panics and only ever removes
// text: the result is the input or a run of its whole lines.
func FuzzStripFence(f *testing.F) {
	for _, s := range []string{"```python\nx\n```", "x", "```", "a\n```\n```\nb", "```py\r\nx\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := stripFence(in)
		if out != in && !strings.Contains(in, out) {
			t.Fatalf("stripFence(%q) = %q, not part of the input", in, out)
		}
	})
}

// A file path that ends with "/" names a directory: upload_file of "out/"
// must not quietly create a file named "out" (which then blocks every
// "out/x.csv"), nor download_file of "out/" read a file "out".
func TestParseFilePathRefusesADirectory(t *testing.T) {
	for _, in := range []string{"out/", "/mnt/data/out/", "a/b/ ", "out/."} {
		if p, err := parseFilePath(in); err == nil {
			t.Errorf("parseFilePath(%q) = %q, want an error", in, p.abs())
		} else if !strings.Contains(err.Error(), "directory") {
			t.Errorf("parseFilePath(%q): %v, want it to say it names a directory", in, err)
		}
	}
	if p, err := parseFilePath(" out/x.csv "); err != nil || p.abs() != "/mnt/data/out/x.csv" {
		t.Errorf("parseFilePath(out/x.csv) = %q, %v", p.abs(), err)
	}
}
