package server

import (
	"encoding/base64"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"sort"
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
	if err != nil || len(b) == 0 {
		return "", badRequest("the %s query parameter %q is not one a nextLink of this emulator carried", skipTokenParam, v)
	}
	return string(b), nil
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
	des, err := sess.children(top)
	if err != nil {
		return nil, false, fileError(err, "the directory "+quote(dir))
	}
	l := &entryLister{sess: sess, top: top, listing: o}
	var after []string
	if o.after != "" {
		after = strings.Split(o.after, "/")
	}
	if l.walk(top, des, after) {
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

// walk lists dir's entries des (in name order) that come after the path
// after (split into names; none: from the first), each directory followed
// by its contents when the listing is recursive (symbolic links are not
// followed down). Of an unreadable subdirectory it lists what can be read.
// It reports true, as soon as it knows, when entries follow the limit's.
func (l *entryLister) walk(dir string, des []fs.DirEntry, after []string) bool {
	i := 0
	if len(after) > 0 {
		// Entries before after[0] went out with earlier pages; after[0]
		// itself too, and of its contents what comes up to after[1:].
		i = sort.Search(len(des), func(i int) bool { return des[i].Name() >= after[0] })
		if i < len(des) && des[i].Name() == after[0] {
			if l.descend(dir, des[i], after[1:]) {
				return true
			}
			i++
		}
	}
	for _, d := range des[i:] {
		if l.add(path.Join(dir, d.Name()), d) || l.descend(dir, d, nil) {
			return true
		}
	}
	return false
}

// descend walks the directory d of dir, from after on, when the listing
// is recursive.
func (l *entryLister) descend(dir string, d fs.DirEntry, after []string) bool {
	if !l.recursive || !d.IsDir() || reserved(d.Name()) {
		return false
	}
	p := path.Join(dir, d.Name())
	sub, _ := l.sess.children(p)
	return l.walk(p, sub, after)
}

// children reads the directory p in name order. Not through io/fs (the
// root's FS), whose paths must be UTF-8: a directory whose name is not
// could not be read.
func (sess *session) children(p string) ([]fs.DirEntry, error) {
	f, err := sess.root.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	des, err := f.ReadDir(-1)
	slices.SortFunc(des, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return des, err
}

// add records the entry d found at p, unless the listing leaves it out: an
// upload in progress, a link leading out of the area, a directory when
// dirs is false, anything neither file nor directory. It reports true when
// that entry is one past the limit.
func (l *entryLister) add(p string, d fs.DirEntry) bool {
	if reserved(d.Name()) {
		return false
	}
	l.sess.srv.stats.described.Add(1)
	info, err := d.Info()
	if d.Type()&fs.ModeSymlink != 0 {
		info, err = l.sess.root.Stat(fsPath(l.sess.followAreaLinks(p)))
	}
	if err != nil || (!l.dirs && info.IsDir()) || !(info.IsDir() || info.Mode().IsRegular()) {
		return false
	}
	l.out = append(l.out, fileEntry{dir: l.parentOf(p), info: namedInfo{info, d.Name()}})
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
