package server

import (
	"encoding/base64"
	"io/fs"
	"net/http"
	"os"
	"path"
	"slices"
	"strings"
)

// skipTokenParam carries where the next page of a file list starts: the
// path of the last entry the page before listed, relative to the listed
// directory, as the file system has it, in unpadded URL-safe base64.
//
// A listing is in name order at each level, each directory followed by
// its contents, so the entries after a path can be found by reading only
// the directories along that path and then as many as the page needs: a
// page costs what it lists plus reading (not describing) the directories
// that lead to it, where an offset into the whole listing meant walking
// and describing every entry before it again for every page. A cursor also
// keeps paging sound while files come and go: an entry removed or added
// before the cursor shifts nothing.
const skipTokenParam = "skipToken"

// listing says what listEntries lists.
type listing struct {
	recursive bool   // the whole subtree, not only the children
	dirs      bool   // directories too, not only files
	after     string // list only what comes after this path (a skipToken's)
	limit     int    // at most this many entries (0: all)
}

// listFiles serves GET /files (v2).
func (c *call) listFiles() error {
	dir, err := cleanDir(c.query.Get(queryPath))
	if err != nil {
		return err
	}
	recursive, err := c.boolParam(queryRecursive)
	if err != nil {
		return err
	}
	after, err := c.skipToken()
	if err != nil {
		return err
	}
	return c.withDataSession(func(sess *session) error {
		entries, more, err := sess.listEntries(dir, listing{recursive: recursive, dirs: true, after: after, limit: c.s.cfg.FilesPageSize})
		if err != nil {
			return err
		}
		out := fileListJSON{Value: make([]fileJSON, 0, len(entries))}
		for _, e := range entries {
			out.Value = append(out.Value, c.fileJSON(e))
		}
		if more {
			last := entries[len(entries)-1]
			out.NextLink = c.nextLink(skipTokenParam, base64.RawURLEncoding.EncodeToString([]byte(path.Join(last.dir, last.info.Name()))))
		}
		writeJSON(c.w, http.StatusOK, out)
		return nil
	})
}

// skipToken reads the skipToken query parameter: "" when absent.
func (c *call) skipToken() (string, error) {
	v := c.query.Get(skipTokenParam)
	if v == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	// A nextLink's path is clean and relative: names joined by single
	// slashes, none "." or "..". Another (an empty name, say, which
	// matches no entry and restarted its directory's listing) is no cursor.
	if p := string(b); err != nil || !cleanRelative(p) {
		return "", badRequest("the %s query parameter %q is not one a nextLink of this emulator carried", skipTokenParam, v)
	}
	return string(b), nil
}

// cleanRelative tells whether p is a path below a directory as path.Join
// writes one: not empty, not absolute, no empty, "." or ".." name.
func cleanRelative(p string) bool {
	return p != "" && path.Clean(p) == p && !path.IsAbs(p) && p != "." && p != ".." && !strings.HasPrefix(p, "../")
}

// listEntries lists dir, or its whole subtree when recursive, in lexical
// order, from after on and up to limit entries; more says whether entries
// follow those. Symbolic links are described by what they point at when
// that is inside the area, and left out otherwise. Names and directories
// are as the file system has them, as dir is; answers show them
// (rawnames.go).
func (sess *session) listEntries(dir string, o listing) (entries []fileEntry, more bool, err error) {
	top := fsPath(dir)
	info, err := sess.root.Stat(top)
	if err != nil {
		return nil, false, fileError(err, "the directory "+quote(dir))
	}
	if !info.IsDir() {
		return nil, false, badRequest("the path %q is a file, not a directory", dir)
	}
	dr, names, err := children(sess.root, top)
	if dr != nil {
		defer dr.Close()
	}
	if err != nil {
		return nil, false, fileError(err, "the directory "+quote(dir))
	}
	l := &entryLister{sess: sess, top: top, listing: o}
	var after []string
	if o.after != "" {
		after = strings.Split(o.after, "/")
	}
	if l.walk(top, dr, names, after) {
		return l.out[:o.limit], true, nil
	}
	return l.out, false, nil
}

// entryLister collects the entries of one listEntries call.
type entryLister struct {
	sess *session
	top  string // the listed directory, as a path in sess.root
	listing
	out []fileEntry
}

// walk lists the entries names (sorted) of dir, opened as dr, that come
// after the path after (split into names; none: from the first), each
// directory followed by its contents when the listing is recursive
// (symbolic links are not followed down). Of an unreadable subdirectory it lists what can be read. It
// reports true, as soon as it knows, when entries follow the limit's.
func (l *entryLister) walk(dir string, dr *os.Root, names, after []string) bool {
	i := 0
	if len(after) > 0 {
		// Entries before after[0] went out with earlier pages; after[0]
		// itself too, and of its contents what comes up to after[1:].
		var found bool
		i, found = slices.BinarySearch(names, after[0])
		if found {
			p := path.Join(dir, after[0])
			if info, err := dr.Lstat(after[0]); err == nil && l.descend(dr, p, info, after[1:]) {
				return true
			}
			i++
		}
	}
	for _, name := range names[i:] {
		if reserved(name) {
			continue
		}
		p := path.Join(dir, name)
		info, err := dr.Lstat(name)
		if err != nil {
			continue // gone since the directory was read
		}
		if l.add(p, name, info) || l.descend(dr, p, info, nil) {
			return true
		}
	}
	return false
}

// descend walks the directory p (info is its Lstat), from after on, when
// the listing is recursive. It opens p from its parent, opened as parent:
// from the area's root, each directory would cost a lookup per directory
// on its path, a deep tree's depth squared.
func (l *entryLister) descend(parent *os.Root, p string, info fs.FileInfo, after []string) bool {
	if !l.recursive || !info.IsDir() || reserved(path.Base(p)) {
		return false
	}
	dr, names, _ := children(parent, path.Base(p))
	if dr == nil {
		return false
	}
	defer dr.Close()
	return l.walk(p, dr, names, after)
}

// children opens the directory p of parent, to describe its entries by
// name (one system call each, where a path from the area's root took one
// per directory on the way), and reads the names in it, sorted; the caller
// closes dr. Opened through parent, p cannot lead out of it. Names only: where the file system does not give entries'
// types with their names, reading entries (os.File.ReadDir) describes each
// one, the whole directory for a page that lists a few of it. Not through
// io/fs (the root's FS), whose paths must be UTF-8: a directory whose name
// is not could not be read.
func children(parent *os.Root, p string) (dr *os.Root, names []string, err error) {
	if dr, err = parent.OpenRoot(p); err != nil {
		return nil, nil, err
	}
	f, err := dr.Open(".")
	if err != nil {
		dr.Close()
		return nil, nil, err
	}
	defer f.Close()
	names, err = f.Readdirnames(-1)
	slices.Sort(names)
	return dr, names, err
}

// add records the entry name found at p, described by its Lstat info,
// unless the listing leaves it out: a link leading out of the area, a
// directory when dirs is false, anything neither file nor directory. It
// reports true when that entry is one past the limit.
func (l *entryLister) add(p, name string, info fs.FileInfo) bool {
	l.sess.srv.stats.described.Add(1)
	if info.Mode()&fs.ModeSymlink != 0 {
		var err error
		if info, err = l.sess.root.Stat(fsPath(l.sess.followAreaLinks(p))); err != nil {
			return false
		}
	}
	if (!l.dirs && info.IsDir()) || !(info.IsDir() || info.Mode().IsRegular()) {
		return false
	}
	l.out = append(l.out, fileEntry{dir: l.parentOf(p), info: namedInfo{info, name}})
	return l.limit > 0 && len(l.out) > l.limit
}

// parentOf is the directory of p relative to the listed one, as in the
// spec's examples: "" for its children, "b/c" for a/b/c/x listed from a.
func (l *entryLister) parentOf(p string) string {
	parent := path.Dir(p)
	if l.top != "." {
		parent = strings.TrimPrefix(strings.TrimPrefix(parent, l.top), "/")
	}
	if parent == "." {
		parent = ""
	}
	return parent
}
