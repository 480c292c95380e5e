package server

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
	"syscall"
	"unicode"
)

// The session's file area stands for /mnt/data. Every access goes through
// the session's os.Root, which refuses "..", absolute names and symbolic
// links that lead outside the area, even ones planted by the session's own
// code; the checks below only give hostile input a clear 400 before that.

const mntData = "/mnt/data"

// uploadTempPrefix marks files being uploaded; they are renamed into place
// when complete, and hidden from listings until then.
const uploadTempPrefix = ".azsessions-upload-"

// cleanDir turns the path query parameter into a slash-separated path
// relative to the area ("" for its top), as the file system has it
// (rawnames.go). It accepts "sub/dir", "/sub/dir" and "/mnt/data/sub/dir",
// as clients send all three.
func cleanDir(p string) (string, error) {
	if controlOrBackslash(p) {
		return "", badRequest("the path %q holds control characters or backslashes", p)
	}
	if p == mntData || strings.HasPrefix(p, mntData+"/") {
		p = p[len(mntData):]
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == ".." {
			return "", badRequest("the path %q must not contain '..'", p)
		}
		if len(seg) > maxShownNameBytes {
			return "", badRequest("a directory name in the path is longer than %d bytes", maxNameBytes)
		}
	}
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	tooLong := badRequest("the path is longer than %d bytes as /mnt/data/...", maxPathBytes-1)
	if len(p) >= maxShownBytesPerByte*maxPathBytes {
		return "", tooLong
	}
	p, err := fsPathOf(p)
	if err == nil && len(mntData)+1+len(p) >= maxPathBytes {
		err = tooLong
	}
	return p, err
}

// controlOrBackslash reports whether s holds a control character or a
// backslash, which requests refuse in paths and names.
func controlOrBackslash(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl) || strings.Contains(s, `\`)
}

// maxNameBytes is the longest name of one path element that Linux file
// systems take (NAME_MAX). It bounds a name as the file system has it
// (fsName); a request spells it as a listing shows it, which may be
// longer (maxShownNameBytes).
const maxNameBytes = 255

// maxShownBytesPerByte is the most bytes a listing shows for one byte of a
// name (%XX, rawnames.go).
const maxShownBytesPerByte = 3

// maxShownNameBytes bounds a name as a request spells it, before it is
// mapped to the file system's (and its length checked there): no name of
// maxNameBytes is listed longer.
const maxShownNameBytes = maxShownBytesPerByte * maxNameBytes

// maxPathBytes bounds a whole path as code sees it under /mnt/data
// (PATH_MAX, with its terminating NUL): code could not open a longer one.
const maxPathBytes = 4096

// validName checks a file name as a request spells it: one path element,
// not "." or "..", no separators or control characters, not longer than a
// listing shows any name (fsName checks the file system's length).
// Everything else, spaces and Unicode included, is allowed.
func validName(name string) error {
	switch {
	case name == "":
		return badRequest("the file name is empty")
	case name == "." || name == "..":
		return badRequest("%q is not a file name", name)
	case strings.ContainsAny(name, `/\`):
		return badRequest("the file name %q must not contain '/' or '\\'; use the path parameter for directories", name)
	case strings.ContainsFunc(name, unicode.IsControl):
		return badRequest("the file name must not contain control characters")
	case len(name) > maxShownNameBytes:
		return errNameTooLong()
	}
	return nil
}

// errNameTooLong refuses a name longer than the file system takes.
func errNameTooLong() error {
	return badRequest("the file name is longer than %d bytes", maxNameBytes)
}

// stripMntData removes a "/mnt/data/" prefix some clients put in the
// multipart filename.
func stripMntData(name string) string {
	if rest, ok := strings.CutPrefix(name, mntData+"/"); ok {
		return rest
	}
	return name
}

// joinRel joins a cleaned directory and a validated name.
func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// fsPath is rel as an io/fs path ("." for the top).
func fsPath(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

// fileError maps a file-system error to the service's answer: a missing
// file is 404 FileNotFound; a name that would leave the area (through a
// symbolic link, say) is 400, as the request is refused rather than
// answered.
func fileError(err error, what string) error {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		// ENOTDIR: the path goes through a file (a.txt/b), so names nothing.
		return newError(http.StatusNotFound, CodeFileNotFound, "%s does not exist", what)
	case escapes(err):
		return badRequest("%s leads outside the session's file area", what)
	case errors.Is(err, fs.ErrInvalid):
		return badRequest("%s is not a valid name", what)
	case errors.Is(err, syscall.ELOOP):
		// Links code made into a loop: the request's problem, not the
		// emulator's (a 500 says the emulator failed, and clients retry it).
		return badRequest("%s is (or goes through) a loop of symbolic links", what)
	case errors.Is(err, syscall.ENAMETOOLONG):
		return badRequest("%s is a longer path than the file system takes", what)
	}
	return err
}

// escapes reports an os.Root refusal. os does not export that error, so
// its text is matched; a change of text turns the 400 into a 500, still a
// refusal.
func escapes(err error) bool {
	return err != nil && strings.Contains(err.Error(), "path escapes from parent")
}

// maxLinkHops bounds the links followAreaLinks follows, as the kernel does.
const maxLinkHops = 40

// followAreaLinks resolves rel while it names a symbolic link to an absolute
// /mnt/data path: what a shell command makes with ln -s /mnt/data/a b, and
// what the service follows, as its sessions see the area at /mnt/data.
// os.Root refuses every absolute link, so these are read here; any other
// link is left to os.Root, which follows relative ones inside the area and
// refuses the rest.
func (sess *session) followAreaLinks(rel string) string {
	for range maxLinkHops {
		info, err := sess.root.Lstat(fsPath(rel))
		if err != nil || info.Mode()&fs.ModeSymlink == 0 {
			return rel
		}
		target, err := sess.root.Readlink(fsPath(rel))
		if err != nil {
			return rel
		}
		inArea, ok := strings.CutPrefix(target, mntData)
		if !ok || (inArea != "" && inArea[0] != '/') {
			return rel
		}
		inArea = path.Clean("/" + inArea)[1:] // cannot climb above the area
		rel = inArea
	}
	return rel
}

// mkdirError is the refusal of an upload into dir when dir cannot be made
// because a file is where one of its directories would be: a 400 that
// names that file, instead of the system call's text or a 404 (the upload
// would make the missing directories, so none is "not found").
func mkdirError(root *os.Root, err error, dir string) error {
	if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTDIR) {
		if file := fileInTheWay(root, dir); file != "" {
			return badRequest("%s is a file, so the directory %s cannot be made", quote(file), quote(dir))
		}
	}
	return pathError(err, dir)
}

// fileInTheWay returns the first leading path of dir (a, a/b, ...) that
// exists and is not a directory, following links as MkdirAll does; "" if
// there is none.
func fileInTheWay(root *os.Root, dir string) string {
	for i := 0; i <= len(dir); i++ {
		if i < len(dir) && dir[i] != '/' {
			continue
		}
		fi, err := root.Stat(dir[:i])
		if err != nil {
			return ""
		}
		if !fi.IsDir() {
			return dir[:i]
		}
	}
	return ""
}
