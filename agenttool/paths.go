package agenttool

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seed-f3fa2c9d/azsessions/internal/quoted"
)

// mountPoint is where a session's files live.
const mountPoint = "/mnt/data"

// sandboxPath is a place under /mnt/data: dir is relative to it ("" at the
// top), name the last element ("" for the top itself).
type sandboxPath struct {
	dir, name string
}

// abs is the path as the model's code sees it.
func (p sandboxPath) abs() string {
	rel := p.rel()
	if rel == "" {
		return mountPoint
	}
	return mountPoint + "/" + rel
}

// rel is the path relative to /mnt/data.
func (p sandboxPath) rel() string {
	switch {
	case p.dir == "":
		return p.name
	case p.name == "":
		return p.dir
	}
	return p.dir + "/" + p.name
}

// dirOption is the directory as the SDK's Path option wants it.
func (p sandboxPath) dirOption() *string {
	if p.dir == "" {
		return nil
	}
	d := p.dir
	return &d
}

// parseSandboxPath reads a path a model gave: relative to /mnt/data or
// absolute under it. It refuses anything that could leave /mnt/data, with
// a sentence the model can act on.
func parseSandboxPath(s string) (sandboxPath, error) {
	if len(s) > maxPathBytes {
		// Data pasted as the path, or path and content swapped: say so
		// without echoing it into the model's context.
		return sandboxPath{}, fmt.Errorf("the path is %d bytes long, over the limit of %d; give a file path such as %s/data.csv (for upload_file the data goes in \"content\")", len(s), maxPathBytes, mountPoint)
	}
	orig := clipForMessage(s)
	if !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return sandboxPath{}, fmt.Errorf("the path %q holds a control character or invalid UTF-8", orig)
	}
	if strings.Contains(s, `\`) {
		return sandboxPath{}, fmt.Errorf("the path %q holds a backslash; use / between directories", orig)
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "/") {
		switch {
		case s == mountPoint || s == mountPoint+"/":
			s = ""
		case strings.HasPrefix(s, mountPoint+"/"):
			s = s[len(mountPoint)+1:]
		default:
			return sandboxPath{}, fmt.Errorf("the path %q is outside %s; files live in %s (give a path such as %s/data.csv or data.csv)", orig, mountPoint, mountPoint, mountPoint)
		}
	}
	var parts []string
	for _, seg := range strings.Split(s, "/") {
		switch seg {
		case "", ".":
			continue
		case "..":
			return sandboxPath{}, fmt.Errorf("the path %q has a \"..\" segment; paths must stay inside %s", orig, mountPoint)
		}
		parts = append(parts, seg)
	}
	if len(parts) == 0 {
		return sandboxPath{}, nil
	}
	return sandboxPath{dir: strings.Join(parts[:len(parts)-1], "/"), name: parts[len(parts)-1]}, nil
}

// maxPathBytes is the longest path a model may give, the file systems' and
// the pool's PATH_MAX.
const maxPathBytes = 4096

// clipForMessage is a model's string argument as an error message quotes
// it: its first quoted.MaxChars characters, and "..." when there were more,
// so data sent in the wrong argument is not echoed into the context.
func clipForMessage(s string) string { return quoted.Head(s) }

// parseEntryPath is parseSandboxPath for a path that must name a file or a
// directory inside /mnt/data, not /mnt/data itself: delete_file's, which
// takes "out/" for the directory out.
func parseEntryPath(s string) (sandboxPath, error) {
	if strings.TrimSpace(s) == "" {
		return sandboxPath{}, fmt.Errorf("the path is empty; give a file path such as %s/data.csv", mountPoint)
	}
	p, err := parseSandboxPath(s)
	if err != nil {
		return p, err
	}
	if p.name == "" {
		return p, fmt.Errorf("the path %q names the directory %s, not a file", clipForMessage(s), mountPoint)
	}
	return p, nil
}

// parseFilePath is parseSandboxPath for a path that must name a file.
func parseFilePath(s string) (sandboxPath, error) {
	p, err := parseEntryPath(s)
	if err != nil {
		return p, err
	}
	if namesDirectory(s) {
		return p, fmt.Errorf("the path %q names the directory %s, not a file (a trailing / names a directory); give a file's path without it, or add the file's name, such as %s/data.csv", clipForMessage(s), p.abs(), p.abs())
	}
	return p, nil
}

// namesDirectory reports whether the path s a model gave ends as only a
// directory's does ("out/", "out/."), whatever is there.
func namesDirectory(s string) bool {
	t := strings.TrimSpace(s)
	return strings.HasSuffix(t, "/") || strings.HasSuffix(t, "/.")
}

// joinRel joins a listing's directory and name into a path relative to
// /mnt/data.
func joinRel(dir, name string) string {
	dir = strings.Trim(dir, "/")
	if dir == "." || dir == mountPoint[1:] {
		dir = ""
	}
	dir = strings.TrimPrefix(dir, mountPoint[1:]+"/")
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
