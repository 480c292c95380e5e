package agenttool

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/seed-f3fa2c9d/azsessions"
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
	return nil, errorResult("encoding must be \"text\" or \"base64\", not %q", enc), false
}

func tooLarge(n, limit int64) Result {
	return errorResult("the content is %d bytes, over the upload limit of %d bytes; upload a smaller file, or create the data with code in the sandbox", n, limit)
}

// UploadFile writes content to path in /mnt/data (directories are made as
// needed), replacing any file there.
func (s *Session) UploadFile(ctx context.Context, path string, content []byte) (Result, error) {
	p, err := parseFilePath(path)
	if err != nil {
		return errorResult("%v", err), nil
	}
	if int64(len(content)) > s.t.set.maxUpload {
		return tooLarge(int64(len(content)), s.t.set.maxUpload), nil
	}
	if err := s.acquire(ctx); err != nil {
		return Result{}, err
	}
	defer s.release()
	s.use()
	if r, err, ok := s.upload(ctx, p, bytes.NewReader(content)); !ok {
		return r, err
	}
	l := newLayout("succeeded")
	l.linef("uploaded %s (%s)", p.abs(), plural(int64(len(content)), "byte"))
	return Result{Text: l.String(), Structured: &FileOutput{Path: p.abs(), Size: int64(len(content))}}, nil
}

// upload sends body to p and records it in the snapshot, so the next run
// does not report it as created. It returns ok false with the result or
// error to give back.
func (s *Session) upload(ctx context.Context, p sandboxPath, body io.ReadSeeker) (Result, error, bool) {
	resp, err := s.t.files.Upload(ctx, s.Identifier(), p.name, body, &azsessions.FilesClientUploadOptions{Path: p.dirOption()})
	if err != nil {
		if ctx.Err() != nil || hostError(err) {
			return Result{}, fmt.Errorf("agenttool: uploading a file: %w", err), false
		}
		return errorResult("could not upload %s: %s", p.abs(), s.serviceProblem(err)), nil, false
	}
	if s.snapshot != nil {
		s.snapshot[p.rel()] = fileState{size: deref(resp.SizeInBytes), modified: deref(resp.LastModifiedAt)}
		if resp.LastModifiedAt == nil {
			s.snapshot = nil // cannot tell a later change from this upload
		}
	}
	return Result{}, nil, true
}

// DownloadFile returns a file to the model: an image as an Image, text as
// text up to Options.MaxDownloadBytes, other data as a description (with
// base64 for files up to Options.MaxBase64Bytes).
func (s *Session) DownloadFile(ctx context.Context, path string) (Result, error) {
	p, err := parseFilePath(path)
	if err != nil {
		return errorResult("%v", err), nil
	}
	if err := s.acquire(ctx); err != nil {
		return Result{}, err
	}
	defer s.release()
	s.use()
	resp, err := s.t.files.Download(ctx, s.Identifier(), p.name, &azsessions.FilesClientDownloadOptions{Path: p.dirOption()})
	if err != nil {
		if ctx.Err() != nil || hostError(err) {
			return Result{}, fmt.Errorf("agenttool: downloading a file: %w", err)
		}
		if isNotFound(err) {
			return errorResult("there is no file %s; call list_files to see what exists", p.abs()), nil
		}
		return errorResult("could not download %s: %s", p.abs(), s.serviceProblem(err)), nil
	}
	defer resp.Body.Close()
	set := s.t.set
	limit := max(set.maxDownload, set.maxImageBytes, set.maxBase64)
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		return Result{}, fmt.Errorf("agenttool: downloading a file: %w", err)
	}
	size := int64(len(data))
	whole := size <= limit
	if resp.ContentLength != nil && *resp.ContentLength > size {
		size, whole = *resp.ContentLength, false
	} else if !whole {
		size = -1 // larger than what was read, size unknown
	}
	sizeText := "more than " + plural(limit, "byte")
	if size >= 0 {
		sizeText = plural(size, "byte")
	}
	out := &FileOutput{Path: p.abs(), Size: max(size, int64(len(data)))}
	l := newLayout("succeeded")

	if mime := sniffImage(data); mime != "" {
		out.Kind, out.MIMEType = "image", mime
		if whole && set.maxImages > 0 && int64(len(data)) <= set.maxImageBytes {
			l.linef("%s: an image (%s, %s), returned as image content", p.abs(), mime, sizeText)
			img := Image{Name: p.abs(), MIMEType: mime, Data: data}
			return Result{Text: l.String(), Images: []Image{img}, Structured: out}, nil
		}
		l.linef("%s: an image (%s, %s), too large to return: the image budget is %d bytes. Make a smaller one with code.", p.abs(), mime, sizeText, set.maxImageBytes)
		return Result{Text: l.String(), Structured: out}, nil
	}
	if isText(data, whole) {
		out.Kind, out.MIMEType, out.Encoding = "text", "text/plain; charset=utf-8", "text"
		text := data
		if int64(len(text)) > set.maxDownload {
			text = text[:set.maxDownload]
			for len(text) > 0 && !utf8.Valid(text) {
				text = text[:len(text)-1]
			}
			out.Truncated = true
		}
		out.Content = string(text)
		l.linef("%s: text, %s", p.abs(), sizeText)
		l.block("content of "+p.abs(), out.Content)
		if out.Truncated {
			l.linef("note: only the first %d bytes are shown; read the rest with code (for example by printing a slice of the file).", len(text))
		}
		return Result{Text: l.String(), Structured: out}, nil
	}
	out.Kind, out.MIMEType = "binary", http.DetectContentType(data)
	if strings.HasPrefix(out.MIMEType, "text/plain") {
		// Text, but not UTF-8 (Latin-1, UTF-16...): say so, so the model
		// decodes it with code rather than guessing from base64.
		out.MIMEType = "text/plain"
		l.linef("%s: text that is not UTF-8 (%s); read it with code that names its encoding, such as open(path, encoding='latin-1').", p.abs(), sizeText)
		return Result{Text: l.String(), Structured: out}, nil
	}
	if whole && int64(len(data)) <= set.maxBase64 {
		out.Content, out.Encoding = base64.StdEncoding.EncodeToString(data), "base64"
		l.linef("%s: binary data (%s, %s), base64 below", p.abs(), out.MIMEType, sizeText)
		l.block("base64 of "+p.abs(), out.Content)
		return Result{Text: l.String(), Structured: out}, nil
	}
	l.linef("%s: binary data (%s, %s), not shown. Inspect it with code in the sandbox.", p.abs(), out.MIMEType, sizeText)
	return Result{Text: l.String(), Structured: out}, nil
}

// isText reports whether data reads as UTF-8 text (a cut at the end of a
// partial read is allowed).
func isText(data []byte, whole bool) bool {
	if bytes.IndexByte(data, 0) >= 0 {
		return false
	}
	if utf8.Valid(data) {
		return true
	}
	if !whole {
		for i := 1; i < utf8.UTFMax && i < len(data); i++ {
			if utf8.Valid(data[:len(data)-i]) {
				return true
			}
		}
	}
	return false
}

// ListFiles lists a directory of /mnt/data ("" for the top), or its whole
// tree when recursive.
func (s *Session) ListFiles(ctx context.Context, path string, recursive bool) (Result, error) {
	p, err := parseSandboxPath(path)
	if err != nil {
		return errorResult("%v", err), nil
	}
	if err := s.acquire(ctx); err != nil {
		return Result{}, err
	}
	defer s.release()
	s.use()
	var dir *string
	if rel := p.rel(); rel != "" {
		dir = &rel
	}
	opts := &azsessions.FilesClientListOptions{Path: dir}
	if recursive {
		opts.Recursive = &recursive
	}
	pager := s.t.files.NewListPager(s.Identifier(), opts)
	var files []FileInfo
	truncated := false
	for pager.More() && !truncated {
		page, err := pager.NextPage(ctx)
		if err != nil {
			if ctx.Err() != nil || hostError(err) {
				return Result{}, fmt.Errorf("agenttool: listing files: %w", err)
			}
			if isNotFound(err) {
				return errorResult("there is no directory %s", p.abs()), nil
			}
			return errorResult("could not list %s: %s", p.abs(), s.serviceProblem(err)), nil
		}
		for _, f := range page.Value {
			if f == nil || f.Name == nil {
				continue
			}
			// A recursive listing names each entry's directory relative to
			// the listed path; older api-versions send no directory.
			d := p.rel()
			if sub := strings.Trim(deref(f.Directory), "/"); recursive && sub != "" && sub != "." {
				d = joinRel(d, sub)
			}
			rel := joinRel(d, *f.Name)
			files = append(files, FileInfo{Path: mountPoint + "/" + rel, Size: deref(f.SizeInBytes), IsDir: f.Type != nil && *f.Type == azsessions.FileTypeDirectory})
			if len(files) >= maxListedFiles {
				truncated = true
				break
			}
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	if files == nil {
		files = []FileInfo{}
	}
	l := newLayout("succeeded")
	if len(files) == 0 {
		l.linef("%s is empty", p.abs())
	} else {
		l.linef("%s holds %s:", p.abs(), plural(int64(len(files)), "entry"))
		for _, f := range files {
			if f.IsDir {
				l.linef("  %s/ (directory)", shown(f.Path))
			} else {
				l.linef("  %s (%s)", shown(f.Path), plural(f.Size, "byte"))
			}
		}
	}
	if truncated {
		l.linef("note: only the first %d entries are listed; list a subdirectory to see more.", maxListedFiles)
	}
	return Result{Text: l.String(), Files: files, Structured: &ListOutput{Path: p.abs(), Files: files, Truncated: truncated}}, nil
}

// DeleteFile deletes a file in /mnt/data.
func (s *Session) DeleteFile(ctx context.Context, path string) (Result, error) {
	p, err := parseFilePath(path)
	if err != nil {
		return errorResult("%v", err), nil
	}
	if err := s.acquire(ctx); err != nil {
		return Result{}, err
	}
	defer s.release()
	s.use()
	if _, err := s.t.files.Delete(ctx, s.Identifier(), p.name, &azsessions.FilesClientDeleteOptions{Path: p.dirOption()}); err != nil {
		if ctx.Err() != nil || hostError(err) {
			return Result{}, fmt.Errorf("agenttool: deleting a file: %w", err)
		}
		if isNotFound(err) {
			return errorResult("there is no file %s; call list_files to see what exists", p.abs()), nil
		}
		return errorResult("could not delete %s: %s", p.abs(), s.serviceProblem(err)), nil
	}
	for k := range s.snapshot {
		if k == p.rel() || strings.HasPrefix(k, p.rel()+"/") {
			delete(s.snapshot, k) // a directory goes with its tree
		}
	}
	l := newLayout("succeeded")
	l.linef("deleted %s", p.abs())
	return Result{Text: l.String(), Structured: &FileOutput{Path: p.abs()}}, nil
}
