package agenttool

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/words"
)

// maxListedFiles bounds the entries one list_files result holds.
const maxListedFiles = 500

// decodeContent reads upload_file's content in its encoding, within the
// upload limit.
func (set settings) decodeContent(content string, encoding *string) ([]byte, Result, bool) {
	enc := "text"
	if encoding != nil && *encoding != "" {
		enc = strings.ToLower(*encoding)
	}
	switch enc {
	case "text":
		if int64(len(content)) > set.maxUpload {
			return nil, tooLarge(int64(len(content)), set.maxUpload), false
		}
		return []byte(content), Result{}, true
	case "base64":
		clean := strings.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, content)
		if n := int64(base64.StdEncoding.DecodedLen(len(clean))); n > set.maxUpload+2 {
			return nil, tooLarge(n, set.maxUpload), false
		}
		for _, e := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := e.DecodeString(clean); err == nil {
				if int64(len(b)) > set.maxUpload {
					return nil, tooLarge(int64(len(b)), set.maxUpload), false
				}
				return b, Result{}, true
			}
		}
		return nil, errorResult("the content is not valid base64; send base64 (RFC 4648) with encoding \"base64\", or plain text with encoding \"text\""), false
	}
	return nil, errorResult("encoding must be \"text\" or \"base64\", not %q", clipForMessage(enc)), false
}

// tooLarge is the result of an upload of n bytes over the limit.
func tooLarge(n, limit int64) Result {
	return errorResult("%v", errTooLarge{n, limit})
}

// errTooLarge says an upload of n bytes is over the limit.
type errTooLarge struct{ n, limit int64 }

func (e errTooLarge) Error() string {
	return fmt.Sprintf("the content is %d bytes, over the upload limit of %d bytes; upload a smaller file, or create the data with code in the sandbox", e.n, e.limit)
}

// UploadFile writes content to path in /mnt/data (directories are made as
// needed), replacing any file there.
func (s *Session) UploadFile(ctx context.Context, path string, content []byte) (Result, error) {
	size := int64(len(content))
	parse := func(path string) (sandboxPath, error) {
		p, err := parseFilePath(path)
		if err == nil && size > s.t.set.maxUpload {
			err = errTooLarge{size, s.t.set.maxUpload}
		}
		return p, err
	}
	return s.onPath(ctx, path, parse, func(p sandboxPath) (Result, error) {
		if r, err, ok := s.upload(ctx, p, bytes.NewReader(content)); !ok {
			return r, err
		}
		l := newLayout("succeeded")
		l.linef("uploaded %s (%s)", p.abs(), words.Count(size, "byte"))
		return Result{Text: l.String(), Structured: &FileOutput{Path: p.abs(), Size: size}}, nil
	})
}

// upload sends body to p and records it in the snapshot, so the next run
// does not report it as created. It returns ok false with the result or
// error to give back.
func (s *Session) upload(ctx context.Context, p sandboxPath, body io.ReadSeeker) (Result, error, bool) {
	resp, err := s.t.files.Upload(ctx, s.Identifier(), p.name, body, &azsessions.FilesClientUploadOptions{Path: p.dirOption()})
	if err != nil {
		r, err := s.fileFailure(ctx, err, "uploading a file", "upload", p, "")
		return r, err, false
	}
	if s.snapshot != nil {
		s.snapshot[p.rel()] = fileState{size: deref(resp.SizeInBytes), modified: deref(resp.LastModifiedAt)}
		if resp.LastModifiedAt == nil {
			s.snapshot = nil // cannot tell a later change from this upload
		}
	}
	return Result{}, nil, true
}

// ListFiles lists a directory of /mnt/data ("" for the top), or its whole
// tree when recursive.
func (s *Session) ListFiles(ctx context.Context, path string, recursive bool) (Result, error) {
	return s.onPath(ctx, path, parseSandboxPath, func(p sandboxPath) (Result, error) {
		files, truncated, err := s.listDir(ctx, p, recursive)
		if err != nil {
			return s.fileFailure(ctx, err, "listing files", "list", p, "there is no directory %s")
		}
		return listResult(p, files, truncated), nil
	})
}

// listDir lists the directory p (its whole tree when recursive), sorted by
// path, up to maxListedFiles entries; truncated says when there were more.
func (s *Session) listDir(ctx context.Context, p sandboxPath, recursive bool) (files []FileInfo, truncated bool, err error) {
	opts := &azsessions.FilesClientListOptions{}
	if rel := p.rel(); rel != "" {
		opts.Path = &rel
	}
	if recursive {
		opts.Recursive = &recursive
	}
	pager := s.t.files.NewListPager(s.Identifier(), opts)
	for pager.More() && !truncated {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, false, err
		}
		for _, f := range page.Value {
			if f == nil || f.Name == nil {
				continue
			}
			if len(files) == maxListedFiles {
				// An entry past the limit: only then is the listing cut
				// (a directory of exactly the limit is listed whole).
				truncated = true
				break
			}
			files = append(files, listedFile(p, f, recursive))
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, truncated, nil
}

// listedFile is the FileInfo of an entry of a listing of the directory p.
func listedFile(p sandboxPath, f *azsessions.File, recursive bool) FileInfo {
	// A recursive listing names each entry's directory relative to the
	// listed path; older api-versions send no directory.
	d := p.rel()
	if sub := strings.Trim(deref(f.Directory), "/"); recursive && sub != "" && sub != "." {
		d = joinRel(d, sub)
	}
	rel := joinRel(d, *f.Name)
	return FileInfo{Path: mountPoint + "/" + rel, Size: deref(f.SizeInBytes), IsDir: f.Type != nil && *f.Type == azsessions.FileTypeDirectory}
}

// listResult lays out a listing of p for the model.
func listResult(p sandboxPath, files []FileInfo, truncated bool) Result {
	if files == nil {
		files = []FileInfo{}
	}
	l := newLayout("succeeded")
	if len(files) == 0 {
		l.linef("%s is empty", p.abs())
	} else {
		// The names are sandbox output: a data block.
		var b strings.Builder
		for _, f := range files {
			if f.IsDir {
				fmt.Fprintf(&b, "%s/ (directory)\n", shown(f.Path))
			} else {
				fmt.Fprintf(&b, "%s (%s)\n", shown(f.Path), words.Count(f.Size, "byte"))
			}
		}
		if truncated {
			l.linef("%s holds more than %s; the first %d the pool listed, sorted by path:", p.abs(), words.Count(int64(len(files)), "entry"), len(files))
		} else {
			l.linef("%s holds %s:", p.abs(), words.Count(int64(len(files)), "entry"))
		}
		l.block("entries", b.String())
	}
	if truncated {
		l.linef("note: a listing shows at most %d entries; to see the rest, list a subdirectory, or list the directory with code (os.listdir in Python, ls in a shell).", maxListedFiles)
	}
	return Result{Text: l.String(), Files: files, Structured: &ListOutput{Path: p.abs(), Files: files, Truncated: truncated}}
}

// DeleteFile deletes a file in /mnt/data, or a directory and its tree. A
// path with a trailing slash ("out/") names a directory: when the pool
// lists a file there instead, nothing is deleted.
func (s *Session) DeleteFile(ctx context.Context, path string) (Result, error) {
	wantDir := namesDirectory(path)
	return s.onPath(ctx, path, parseEntryPath, func(p sandboxPath) (Result, error) {
		if wantDir {
			if r, err, ok := s.refuseFile(ctx, p); !ok {
				return r, err
			}
		}
		if _, err := s.t.files.Delete(ctx, s.Identifier(), p.name, &azsessions.FilesClientDeleteOptions{Path: p.dirOption()}); err != nil {
			return s.fileFailure(ctx, err, "deleting a file", "delete", p, noFileText)
		}
		for k := range s.snapshot {
			if k == p.rel() || strings.HasPrefix(k, p.rel()+"/") {
				delete(s.snapshot, k) // a directory goes with its tree
			}
		}
		l := newLayout("succeeded")
		l.linef("deleted %s", p.abs())
		return Result{Text: l.String(), Structured: &FileOutput{Path: p.abs()}}, nil
	})
}

// refuseFile checks that p, which the model gave as a directory, is not a
// file, by listing its parent. It returns ok false with the result or
// error to give back when it is a file or cannot be listed.
func (s *Session) refuseFile(ctx context.Context, p sandboxPath) (Result, error, bool) {
	pager := s.t.files.NewListPager(s.Identifier(), &azsessions.FilesClientListOptions{Path: p.dirOption()})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			r, err := s.fileFailure(ctx, err, "deleting a file", "delete", p, "there is no directory %s; call list_files to see what exists")
			return r, err, false
		}
		for _, f := range page.Value {
			if f != nil && deref(f.Name) == p.name {
				if f.Type != nil && *f.Type == azsessions.FileTypeFile {
					return errorResult("%s is a file, not a directory (a trailing / names a directory), so nothing was deleted; to delete the file, give its path without the /", clipForMessage(p.abs())), nil, false
				}
				return Result{}, nil, true
			}
		}
	}
	return Result{}, nil, true // not listed: the delete says whether it exists
}

// noFileText is what the model reads for a file that does not exist.
const noFileText = "there is no file %s; call list_files to see what exists"

// fileFailure is what a file tool returns when the pool failed it: a Go
// error for the host (as "agenttool: doing: ...") when ctx ended or the
// model cannot fix it, else an IsError result: notFound (a format taking
// p's path; "" for none) for a 404, or why the pool could not verb p.
func (s *Session) fileFailure(ctx context.Context, err error, doing, verb string, p sandboxPath, notFound string) (Result, error) {
	if ctx.Err() != nil || hostError(err) {
		return Result{}, fmt.Errorf("agenttool: %s: %w", doing, err)
	}
	// The path is quoted as the refusals before any request quote it: a
	// model that pasted data as a path (under the 4,096-byte bound) gets
	// a short sentence, not its data back.
	if notFound != "" && isNotFound(err) {
		return errorResult(notFound, clipForMessage(p.abs())), nil
	}
	return errorResult("could not %s %s: %s", verb, clipForMessage(p.abs()), s.serviceProblem(err)), nil
}
