package server

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"sync/atomic"
	"syscall"
)

// uploadBufferSize is the size of an upload's read buffer (formReader's):
// the connection is read in blocks this large and a file part's content
// is written out of it.
const uploadBufferSize = 256 << 10

// fileWriteSize is the size of an upload's file writes: a part's content
// is written in whole blocks of this size, not as it arrives (mime/multipart
// handed it out 4 KiB at a time: 262,144 writes per GiB). Not larger, for the reason the SDK's
// downloads write 32 KiB at a time (downloadWrite in download_body.go):
// on a VM that hands free memory back to its host, larger file writes take
// page-cache blocks that must be faulted back in (1 GiB after a few idle
// seconds: 0.31-0.46 s in 32 KiB writes, 0.64-2.2 s in 64 KiB, 1.3-1.9 s
// in 256 KiB; docs/benchmarks.md).
const fileWriteSize = 32 << 10

// maxUploadFiles bounds the files of one legacy multi-file upload: each
// is kept under a temporary name, and in memory, until the last arrives.
const maxUploadFiles = 100

// multipartOverhead is what a request may carry beyond its files (headers
// of parts, boundaries, small form fields) before it is cut off.
const multipartOverhead = 1 << 20

// receiveFiles streams the multipart body's "file" parts into the
// session's area under dir: straight from the connection to disk, never
// whole in memory. Each file is written under a temporary name; only when
// every part has arrived are they renamed into place, so a failed upload
// leaves neither a partial file nor a damaged older one, and a failed
// multi-file upload stores none of its files. The size limit applies to
// each file. A "path" form field sent before the file part overrides dir.
// With many false, only the first file part is stored. boundary is
// formBoundary's.
func (c *call) receiveFiles(sess *session, dir, boundary string, many bool) ([]fileEntry, error) {
	pending, err := sess.receiveParts(c.formBody(boundary, many), dir, many, c.sizeLimits(many))
	if err != nil {
		return nil, err
	}
	return sess.commitParts(pending)
}

// partLimits bounds the file parts of an upload.
type partLimits struct {
	// max is the most bytes one file may hold.
	max int64
	// expect is how many bytes the file of a one-file upload will hold at
	// most (the request's length), reserved on disk up front; 0 when
	// unknown or when the body holds several files.
	expect int64
}

// sizeLimits returns the limits of the request's file parts.
func (c *call) sizeLimits(many bool) partLimits {
	l := partLimits{max: c.s.cfg.MaxUploadBytes}
	if !many && c.r.ContentLength > 0 {
		l.expect = min(c.r.ContentLength, l.max+1)
	}
	return l
}

// formBoundary checks what an upload's headers say, before its session is
// acquired and its body read, so that such a refusal allocates nothing
// and a client that waits for 100 Continue sends no body: the request is
// multipart/form-data with a boundary (returned), and a one-file body is
// not longer than the limit allows.
func (c *call) formBoundary(many bool) (string, error) {
	ct := c.r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return "", badRequest("the Content-Type must be multipart/form-data with a boundary, got %q", ct)
	}
	if !many && c.r.ContentLength > c.oneFileBodyLimit() {
		return "", tooLargeError(c.s.cfg.MaxUploadBytes)
	}
	return params["boundary"], nil
}

// oneFileBodyLimit bounds the body of a one-file upload.
func (c *call) oneFileBodyLimit() int64 {
	return c.s.cfg.MaxUploadBytes + multipartOverhead
}

// formBody reads the body's parts. A one-file body cannot be much larger
// than the file: it is cut off past the limit; every part of a multi-file
// body is bounded by the per-file limit instead.
func (c *call) formBody(boundary string, many bool) *formReader {
	var body io.Reader = c.r.Body
	if !many {
		body = http.MaxBytesReader(c.w, c.r.Body, c.oneFileBodyLimit())
	}
	return newFormReader(body, boundary)
}

// receiveParts stores the body's "file" parts under temporary names (only
// the first with many false) and returns them; on failure it removes what
// it stored. A "path" form field before the first file part overrides dir.
func (sess *session) receiveParts(fr *formReader, dir string, many bool, limits partLimits) (pending []pendingFile, err error) {
	limit := limits.max
	defer func() {
		if err != nil {
			sess.removePending(pending)
			pending = nil
		}
	}()
	for len(pending) == 0 || many {
		part, err := fr.NextPart()
		if err == io.EOF {
			// The closing delimiter, and only it: a body that ends
			// before it is cut short (mime/multipart wraps io.EOF
			// then), and stores nothing.
			break
		}
		if err != nil {
			return pending, bodyError(err, limit)
		}
		switch part.FormName() {
		case "path":
			if len(pending) == 0 {
				if dir, err = pathField(part, limit); err != nil {
					return pending, err
				}
			}
		case "file":
			if len(pending) == maxUploadFiles {
				return pending, badRequest("the upload holds more than %d files", maxUploadFiles)
			}
			p, err := sess.receivePart(part, dir, limits)
			if err != nil {
				return pending, err
			}
			pending = append(pending, p)
		}
	}
	if len(pending) == 0 {
		return nil, badRequest("the multipart body has no part named \"file\"")
	}
	return pending, nil
}

// maxPathFieldBytes bounds a "path" form field: a path as a listing shows
// it, which may take three bytes for each of the file system's
// (maxShownBytesPerByte), after a "/mnt/data/" prefix. cleanDir checks the
// path mapped back.
const maxPathFieldBytes = len(mntData) + 1 + maxShownBytesPerByte*maxPathBytes

// pathField reads a "path" form field as a directory of the area. A field
// longer than any listed path (maxPathFieldBytes) is refused, not cut: its
// cut would name another directory.
func pathField(part *formPart, limit int64) (string, error) {
	v, err := io.ReadAll(io.LimitReader(part, int64(maxPathFieldBytes)+1))
	if err != nil {
		return "", bodyError(err, limit)
	}
	if len(v) > maxPathFieldBytes {
		return "", badRequest("the path form field is longer than %d bytes", maxPathFieldBytes)
	}
	return cleanDir(string(v))
}

// commitParts moves every received file to its name, in order. If one
// fails, those not yet moved are removed.
func (sess *session) commitParts(pending []pendingFile) ([]fileEntry, error) {
	out := make([]fileEntry, 0, len(pending))
	for i, p := range pending {
		f, err := sess.commitPart(p)
		if err != nil {
			sess.removePending(pending[i+1:])
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func (sess *session) removePending(pending []pendingFile) {
	for _, p := range pending {
		_ = sess.root.Remove(p.tmp)
	}
}

// bodyError maps a failure reading the request body.
func bodyError(err error, limit int64) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return tooLargeError(limit)
	}
	return badRequest("the multipart body could not be read: %v", err)
}

func tooLargeError(limit int64) error {
	return newError(http.StatusRequestEntityTooLarge, CodePayloadTooLarge, "the file is larger than the upload limit of %d bytes", limit)
}

// partFileName reads the part's filename from its Content-Disposition
// without multipart.Part.FileName, which silently reduces "../x" to "x":
// a hostile name must be refused, not rewritten.
func partFileName(part *formPart) (string, error) {
	_, params, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return "", badRequest("the file part's Content-Disposition cannot be parsed")
	}
	name := stripMntData(params["filename"])
	if err := validName(name); err != nil {
		return "", err
	}
	raw, err := fsName(name)
	if err == nil && controlOrBackslash(raw) {
		// Code can make such a name (and a listing shows it escaped), an
		// upload cannot, as validName says of the name as it is.
		err = badRequest("the file name must not contain control characters or '\\'")
	}
	return raw, err
}

// pendingFile is an uploaded file stored under a temporary name.
type pendingFile struct {
	dir, name, tmp string
}

// receivePart writes one file part to a temporary file in dir.
func (sess *session) receivePart(part *formPart, dir string, limits partLimits) (pendingFile, error) {
	limit := limits.max
	name, err := partFileName(part)
	if err != nil {
		return pendingFile{}, err
	}
	if reserved(name) {
		return pendingFile{}, badRequest("file names starting with %q are reserved by the emulator", uploadTempPrefix)
	}
	if dir != "" {
		if err := sess.root.MkdirAll(dir, 0o755); err != nil {
			return pendingFile{}, mkdirError(sess.root, err, dir)
		}
	}
	tmp := joinRel(dir, uploadTempPrefix+newGUID())
	f, err := sess.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return pendingFile{}, pathError(err, dir)
	}
	n, err := sess.srv.writePart(f, part, limits)
	switch {
	case err != nil:
		_ = sess.root.Remove(tmp)
		var fsErr *fs.PathError
		if errors.As(err, &fsErr) {
			return pendingFile{}, fmt.Errorf("storing the upload: %w", err)
		}
		return pendingFile{}, bodyError(err, limit)
	case n > limit:
		_ = sess.root.Remove(tmp)
		return pendingFile{}, tooLargeError(limit)
	}
	return pendingFile{dir: dir, name: name, tmp: tmp}, nil
}

// writePart writes part to f, at most limits.max+1 bytes (one more tells
// a file over the limit), and closes f.
func (s *Server) writePart(f *os.File, part *formPart, limits partLimits) (int64, error) {
	reserved := preallocate(f, limits.expect)
	if reserved {
		s.stats.reserved.Add(1)
	}
	n, err := s.copyToFile(f, part.content, limits.max+1)
	if reserved && err == nil {
		// Give back the disk reserved past the file's end (the request's
		// headers and boundaries).
		err = f.Truncate(n)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// commitPart moves a received file to its name.
func (sess *session) commitPart(p pendingFile) (fileEntry, error) {
	final := joinRel(p.dir, p.name)
	old := holdReplaced(sess.root, final)
	err := sess.root.Rename(p.tmp, final)
	sess.srv.releaseReplaced(old)
	if err != nil {
		_ = sess.root.Remove(p.tmp)
		if info, serr := sess.root.Lstat(final); serr == nil && info.IsDir() {
			return fileEntry{}, badRequest("%s is a directory", quote(final))
		}
		return fileEntry{}, pathError(err, final)
	}
	info, err := sess.root.Stat(final)
	if err != nil {
		return fileEntry{}, pathError(err, final)
	}
	return fileEntry{dir: p.dir, info: namedInfo{info, p.name}}, nil
}

// releaseReplaced closes the descriptor holdReplaced kept of a file an
// upload replaced, in the background: the last close frees the file.
func (s *Server) releaseReplaced(old *os.File) {
	if old == nil {
		return
	}
	s.releases.Add(1)
	release := func() {
		defer s.releases.Done()
		_ = old.Close()
		s.stats.released.Add(1)
	}
	if !s.goBackground(release) {
		release()
	}
}

// pathError explains why a directory could not be used for an upload.
func pathError(err error, rel string) error {
	if e := fileError(err, quote(rel)); e != err {
		return e
	}
	if errors.Is(err, fs.ErrExist) || errors.Is(err, os.ErrInvalid) || errors.Is(err, syscall.ENOTDIR) {
		return badRequest("%s cannot be used: %v", quote(rel), err)
	}
	return err
}

// uploadFile serves POST /files (v2): one file, answered with its
// SessionResourceFile.
func (c *call) uploadFile() error {
	dir, err := cleanDir(c.query.Get(queryPath))
	if err != nil {
		return err
	}
	boundary, err := c.formBoundary(false)
	if err != nil {
		return err
	}
	return c.withDataSession(func(sess *session) error {
		files, err := c.receiveFiles(sess, dir, boundary, false)
		if err != nil {
			return err
		}
		writeJSON(c.w, http.StatusOK, c.fileJSON(files[0]))
		return nil
	})
}

// copyToFile copies at most limit bytes of a part's content to f in writes
// of fileWriteSize, counting the writes: straight out of formReader's
// buffer when it reads the part, else through a write buffer.
func (s *Server) copyToFile(f io.Writer, content io.Reader, limit int64) (int64, error) {
	w := countingWriter{f, &s.stats.fileWrites}
	if c, ok := content.(*partContent); ok {
		return c.writeTo(w, limit)
	}
	// The writer is wrapped so that bufio.Writer cannot hand the copy to
	// os.File.ReadFrom, which would write each small read as it comes.
	bw := bufio.NewWriterSize(w, fileWriteSize)
	n, err := bw.ReadFrom(io.LimitReader(content, limit))
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return n, err
}

// countingWriter counts the writes that reach w.
type countingWriter struct {
	w     io.Writer
	count *atomic.Int64
}

func (c countingWriter) Write(p []byte) (int, error) {
	c.count.Add(1)
	return c.w.Write(p)
}
