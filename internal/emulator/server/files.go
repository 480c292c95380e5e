package server

import (
	"errors"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"
)

// fileJSON is the spec's SessionResourceFile.
type fileJSON struct {
	Name           string `json:"name"`
	Type           string `json:"type"`
	ContentType    string `json:"contentType"`
	SizeInBytes    int64  `json:"sizeInBytes"`
	LastModifiedAt string `json:"lastModifiedAt"`
	// Directory is the file's directory: in a listing relative to the
	// listed path ("" for its direct children), elsewhere relative to
	// /mnt/data ("" at the top). Only 2025-10-02-preview has it.
	Directory *string `json:"directory,omitempty"`
}

type fileListJSON struct {
	Value    []fileJSON `json:"value"`
	NextLink string     `json:"nextLink,omitempty"`
}

// fileEntry is one file or directory, located relative to the area.
type fileEntry struct {
	dir  string
	info fs.FileInfo
}

func (c *call) fileJSON(e fileEntry) fileJSON {
	out := fileJSON{
		Name:           displayName(e.info.Name()),
		Type:           "file",
		ContentType:    contentTypeOf(e.info.Name()),
		SizeInBytes:    e.info.Size(),
		LastModifiedAt: e.info.ModTime().UTC().Format(time.RFC3339Nano),
	}
	if e.info.IsDir() {
		// Directories: type "directory", no media type of their own and no
		// size (the spec example's 4096 is a file-system block, not data).
		out.Type, out.ContentType, out.SizeInBytes = "directory", octetStream, 0
	}
	if emitsDirectory(c.version) {
		d := displayPath(e.dir)
		out.Directory = &d
	}
	return out
}

// fileTarget reads and checks the path query parameter and the {name}
// route parameter, and returns them as the file system has them
// (rawnames.go).
func (c *call) fileTarget() (dir, name string, err error) {
	if dir, err = cleanDir(c.query.Get(queryPath)); err != nil {
		return "", "", err
	}
	name = stripMntData(c.params["name"])
	if err = validName(name); err != nil {
		return "", "", err
	}
	if name, err = fsName(name); err != nil {
		return "", "", err
	}
	if reserved(name) {
		// Listings leave such a name out (an upload in progress), so it
		// is not there for any request either.
		return "", "", newError(http.StatusNotFound, CodeFileNotFound, "the file %s does not exist", quote(joinRel(dir, name)))
	}
	return dir, name, nil
}

// reserved reports whether name, as the file system has it, is the
// emulator's: an upload in progress waits under such a name.
func reserved(name string) bool { return strings.HasPrefix(name, uploadTempPrefix) }

// withDataSession runs f, a file operation, with the call's session
// acquired (created if needed). The session is released only after f has
// written the response, so that its cooldown counts from there.
func (c *call) withDataSession(f func(sess *session) error) error {
	sess, _, err := c.s.store.acquire(c.r.Context(), c.identifier, true)
	if err != nil {
		return err
	}
	defer c.s.store.release(sess)
	err = f(sess)
	if errors.Is(err, os.ErrClosed) {
		// DELETE /session closed the area under this request.
		return newError(http.StatusNotFound, CodeSessionNotFound, "the session %s was deleted during the request", quote(c.identifier))
	}
	return err
}

// namedInfo carries the directory entry's name, as the file system has
// it, even when a symbolic link was followed; fileJSON shows it as the API
// does (displayName).
type namedInfo struct {
	fs.FileInfo
	name string
}

func (n namedInfo) Name() string { return n.name }

// quote is dir (relative to the area) as code sees it, for messages: under
// /mnt/data, with names that are not UTF-8 as listings show them.
func quote(dir string) string {
	if dir == "" {
		return "/mnt/data"
	}
	return "/mnt/data/" + displayPath(dir)
}

// getFile serves GET /files/{name}.
func (c *call) getFile() error {
	dir, name, err := c.fileTarget()
	if err != nil {
		return err
	}
	return c.withDataSession(func(sess *session) error {
		info, err := sess.root.Stat(fsPath(sess.followAreaLinks(joinRel(dir, name))))
		if err != nil {
			return fileError(err, "the file "+quote(joinRel(dir, name)))
		}
		if !info.IsDir() && !info.Mode().IsRegular() {
			// A named pipe, a socket, a device: listings leave it out and
			// its content is 404, so it is no file here either.
			return newError(http.StatusNotFound, CodeFileNotFound, "%s is not a file", quote(joinRel(dir, name)))
		}
		writeJSON(c.w, http.StatusOK, c.fileJSON(fileEntry{dir: dir, info: namedInfo{info, name}}))
		return nil
	})
}

// fileContent serves GET /files/{name}/content (v2) and its legacy
// spelling GET /files/content/{name}, streamed from disk.
func (c *call) fileContent() error {
	dir, name, err := c.fileTarget()
	if err != nil {
		return err
	}
	return c.withDataSession(func(sess *session) error {
		rel := joinRel(dir, name)
		target := fsPath(sess.followAreaLinks(rel))
		// Non-blocking, so that a named pipe the code made cannot hold the
		// request (and the session) open forever; it is refused below.
		f, err := sess.root.OpenFile(target, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return fileError(err, "the file "+quote(rel))
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return newError(http.StatusNotFound, CodeFileNotFound, "%s is not a file", quote(rel))
		}
		// Set the type ourselves: ServeContent would sniff the first bytes,
		// and the service answers by extension.
		c.w.Header().Set("Content-Type", contentTypeOf(name))
		c.serveContent(name, info.ModTime(), f)
		return nil
	})
}

// deleteFile serves DELETE /files/{name}. A directory goes with its
// contents; a symbolic link goes itself, never what it points at.
func (c *call) deleteFile() error {
	dir, name, err := c.fileTarget()
	if err != nil {
		return err
	}
	return c.withDataSession(func(sess *session) error {
		rel := joinRel(dir, name)
		target := rel
		info, err := sess.root.Lstat(target)
		if err != nil {
			return fileError(err, "the file "+quote(rel))
		}
		if info.IsDir() {
			err = removeTreeIn(sess.root, target)
		} else {
			err = sess.root.Remove(target)
		}
		if err != nil {
			return fileError(err, "the file "+quote(rel))
		}
		c.w.WriteHeader(http.StatusNoContent)
		return nil
	})
}
