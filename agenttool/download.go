package agenttool

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/words"
)

// DownloadFile returns a file to the model: an image as an Image, text as
// text up to Options.MaxDownloadBytes, other data as a description (with
// base64 for files up to Options.MaxBase64Bytes).
func (s *Session) DownloadFile(ctx context.Context, path string) (Result, error) {
	return s.onPath(ctx, path, parseFilePath, func(p sandboxPath) (Result, error) {
		return s.download(ctx, p)
	})
}

// download reads the file at p and returns it as DownloadFile says.
func (s *Session) download(ctx context.Context, p sandboxPath) (Result, error) {
	resp, err := s.fetch(ctx, p)
	if err != nil {
		notFound := noFileText
		if ctx.Err() == nil && isNotFound(err) && s.isDirectory(ctx, p) {
			notFound = dirNotFileText
		}
		return s.fileFailure(ctx, err, "downloading a file", "download", p, notFound)
	}
	defer resp.Body.Close()
	set := s.t.set
	f, err := readFetched(resp.Body, resp.ContentLength, max(set.maxDownload, set.maxImageBytes, set.maxBase64))
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		return Result{}, fmt.Errorf("agenttool: downloading a file: %w", err)
	}
	out := &FileOutput{Path: p.abs(), Size: max(f.size, int64(len(f.data)))}
	size := int64(len(f.data))
	if !f.whole {
		size = max(f.size, size+1) // more than was read
	}
	if v := set.judgeImage(f.data, size, imageSpent{}); v.reason != imageNotAType {
		return set.imageDownload(p, f, out, v), nil
	}
	if isText(f.data, f.whole) {
		return set.textDownload(p, f, out), nil
	}
	return set.binaryDownload(p, f, out), nil
}

// dirNotFileText is what the model reads when it asked to download a
// directory without a trailing slash: the pool answers its content 404
// (the emulator: "is not a file"), as for a name that is not there.
const dirNotFileText = "%s is a directory, not a file; call list_files with its path to see the files in it"

// isDirectory tells whether the pool's metadata of p says it is a
// directory. Any failure (a pool without the call, a name gone meanwhile)
// is taken for no: the caller then says there is no such file, as before.
func (s *Session) isDirectory(ctx context.Context, p sandboxPath) bool {
	f, err := s.t.files.Get(ctx, s.Identifier(), p.name, &azsessions.FilesClientGetOptions{Path: p.dirOption()})
	return err == nil && f.Type != nil && *f.Type == azsessions.FileTypeDirectory
}

// fetched is a downloaded file as far as it was read.
type fetched struct {
	data     []byte
	whole    bool   // data is the whole file
	size     int64  // the file's size; -1 when unknown
	sizeText string // the size as the result says it
}

// readFetched reads body up to limit bytes, the largest a file is returned
// in, and one more to tell a file that is larger; contentLength is the
// size the pool sent, if any.
func readFetched(body io.Reader, contentLength *int64, limit int64) (fetched, error) {
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return fetched{}, err
	}
	f := fetched{data: data, size: int64(len(data)), whole: int64(len(data)) <= limit}
	if contentLength != nil && *contentLength > f.size {
		f.size, f.whole = *contentLength, false
	} else if !f.whole {
		f.size = -1 // larger than what was read, size unknown
	}
	f.sizeText = "more than " + words.Count(limit, "byte")
	if f.size >= 0 {
		f.sizeText = words.Count(f.size, "byte")
	}
	return f, nil
}

// imageDownload returns an image as image content, when the verdict v on
// it allows, or else says why not.
func (set settings) imageDownload(p sandboxPath, f fetched, out *FileOutput, v imageVerdict) Result {
	mime := v.mime
	out.Kind, out.MIMEType = "image", mime
	l := newLayout("succeeded")
	switch v.reason {
	case imageShown:
		l.linef("%s: an image (%s, %s), returned as image content", p.abs(), mime, f.sizeText)
		img := Image{Name: p.abs(), MIMEType: mime, Data: f.data}
		return Result{Text: l.String(), Images: []Image{img}, Structured: out}
	case imagesOff:
		// Not "too large": a model told to make a smaller image would.
		l.linef("%s: an image (%s, %s), not returned: images are turned off here. Inspect it with code in the sandbox if you need to know more.", p.abs(), mime, f.sizeText)
	case imageOverCount:
		l.linef("%s: an image (%s, %s), not returned: a result carries at most %s.", p.abs(), mime, f.sizeText, words.Count(int64(set.maxImages), "image"))
	case imageOverBytes:
		l.linef("%s: an image (%s, %s), too large to return: the image budget is %d bytes. Make a smaller one with code.", p.abs(), mime, f.sizeText, set.maxImageBytes)
	case imageOverSide:
		l.linef("%s: an image (%s, %s, %d × %d pixels), not returned: model APIs refuse images over %d pixels wide or high. Make a smaller one with code (a lower dpi).", p.abs(), mime, f.sizeText, v.w, v.h, set.maxImageSide)
	default:
		l.linef("%s: starts like an image (%s, %s), not returned: its data is cut short or damaged, and model APIs refuse an image they cannot decode. Check with code how it was written, and write it again.", p.abs(), mime, f.sizeText)
	}
	return Result{Text: l.String(), Structured: out}
}

// textDownload returns UTF-8 text, up to the download budget cut at a
// character boundary.
func (set settings) textDownload(p sandboxPath, f fetched, out *FileOutput) Result {
	out.Kind, out.MIMEType, out.Encoding = "text", "text/plain; charset=utf-8", "text"
	text := f.data
	if int64(len(text)) > set.maxDownload {
		text = text[:set.maxDownload]
		for len(text) > 0 && !utf8.Valid(text) {
			text = text[:len(text)-1]
		}
		out.Truncated = true
	}
	out.Content = string(text)
	l := newLayout("succeeded")
	if isSVG(f.data) {
		out.MIMEType = "image/svg+xml"
		l.linef("%s: an image in SVG format, as text (%s); %s", p.abs(), f.sizeText, otherImageAdvice)
	} else {
		l.linef("%s: text, %s", p.abs(), f.sizeText)
	}
	l.block("content of "+p.abs(), out.Content)
	if out.Truncated {
		l.linef("note: only the first %d bytes are shown; read the rest with code (for example by printing a slice of the file).", len(text))
	}
	return Result{Text: l.String(), Structured: out}
}

// binaryDownload describes other data: text in another encoding, or
// binary data, as base64 when whole and within the base64 budget.
func (set settings) binaryDownload(p sandboxPath, f fetched, out *FileOutput) Result {
	out.Kind, out.MIMEType = "binary", http.DetectContentType(f.data)
	format, mime := otherImageFormat(f.data)
	if format != "" {
		out.MIMEType = mime
	}
	l := newLayout("succeeded")
	switch {
	case format != "" && f.whole && int64(len(f.data)) <= set.maxBase64:
		out.Content, out.Encoding = base64.StdEncoding.EncodeToString(f.data), "base64"
		l.linef("%s: an image in %s format (%s, %s), base64 below; %s", p.abs(), format, out.MIMEType, f.sizeText, otherImageAdvice)
		l.block("base64 of "+p.abs(), out.Content)
	case format != "":
		l.linef("%s: an image in %s format (%s, %s), not shown; %s", p.abs(), format, out.MIMEType, f.sizeText, otherImageAdvice)
	case strings.HasPrefix(out.MIMEType, "text/plain"):
		// Text, but not UTF-8 (Latin-1, UTF-16...): say so, so the model
		// decodes it with code rather than guessing from base64.
		out.MIMEType = "text/plain"
		l.linef("%s: text that is not UTF-8 (%s); read it with code that names its encoding, such as open(path, encoding='latin-1').", p.abs(), f.sizeText)
	case f.whole && int64(len(f.data)) <= set.maxBase64:
		out.Content, out.Encoding = base64.StdEncoding.EncodeToString(f.data), "base64"
		l.linef("%s: binary data (%s, %s), base64 below", p.abs(), out.MIMEType, f.sizeText)
		l.block("base64 of "+p.abs(), out.Content)
	default:
		l.linef("%s: binary data (%s, %s), not shown. Inspect it with code in the sandbox.", p.abs(), out.MIMEType, f.sizeText)
	}
	return Result{Text: l.String(), Structured: out}
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
