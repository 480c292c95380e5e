// Package multipart builds multipart/form-data request bodies that stream a
// file instead of buffering it, and that can be rewound for retries.
package multipart

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/textproto"
	"strings"
)

// Part is a plain form field sent before the file.
type Part struct {
	Name  string
	Value string
}

// Body is a multipart/form-data body holding plain fields and one file part.
// It reads the file from its position at construction and implements
// io.ReadSeekCloser over the whole encoded body, so a retry can Seek(0,
// io.SeekStart) and send the same bytes again. Close does not close the file:
// the caller owns it.
type Body struct {
	head, tail []byte
	file       io.ReadSeeker
	fileStart  int64
	fileSize   int64
	offset     int64 // position in the encoded body
	fileSynced bool  // whether file's position matches offset
}

// NewBody encodes fields and a file part named fieldName with the given file
// name and content type. The file is read from its current position to its
// end.
func NewBody(fields []Part, fieldName, fileName, contentType string, file io.ReadSeeker) (*Body, string, error) {
	start, err := file.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, "", fmt.Errorf("the upload body must be seekable: %w", err)
	}
	end, err := file.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, "", fmt.Errorf("the upload body must be seekable: %w", err)
	}
	if _, err := file.Seek(start, io.SeekStart); err != nil {
		return nil, "", err
	}
	if end < start {
		// Positioned past its end: the reader has nothing left to give.
		end = start
	}
	boundary, err := newBoundary()
	if err != nil {
		return nil, "", err
	}
	var head strings.Builder
	for _, f := range fields {
		fmt.Fprintf(&head, "--%s\r\nContent-Disposition: form-data; name=%s\r\n\r\n%s\r\n", boundary, quote(f.Name), f.Value)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf("form-data; name=%s; filename=%s", quote(fieldName), quote(fileName)))
	h.Set("Content-Type", contentType)
	fmt.Fprintf(&head, "--%s\r\nContent-Disposition: %s\r\nContent-Type: %s\r\n\r\n", boundary, h.Get("Content-Disposition"), h.Get("Content-Type"))
	b := &Body{
		head:       []byte(head.String()),
		tail:       []byte("\r\n--" + boundary + "--\r\n"),
		file:       file,
		fileStart:  start,
		fileSize:   end - start,
		fileSynced: false,
	}
	return b, mime.FormatMediaType("multipart/form-data", map[string]string{"boundary": boundary}), nil
}

// Size is the length of the encoded body.
func (b *Body) Size() int64 { return int64(len(b.head)) + b.fileSize + int64(len(b.tail)) }

// Read implements io.Reader.
func (b *Body) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	headLen := int64(len(b.head))
	fileEnd := headLen + b.fileSize
	switch {
	case b.offset < headLen:
		n := copy(p, b.head[b.offset:])
		b.offset += int64(n)
		return n, nil
	case b.offset < fileEnd:
		if !b.fileSynced {
			if _, err := b.file.Seek(b.fileStart+b.offset-headLen, io.SeekStart); err != nil {
				return 0, err
			}
			b.fileSynced = true
		}
		if rem := fileEnd - b.offset; int64(len(p)) > rem {
			p = p[:rem]
		}
		n, err := b.file.Read(p)
		b.offset += int64(n)
		if errors.Is(err, io.EOF) {
			if b.offset < fileEnd {
				return n, fmt.Errorf("the upload body shrank while it was being sent: %w", io.ErrUnexpectedEOF)
			}
			err = nil
		}
		return n, err
	case b.offset < b.Size():
		n := copy(p, b.tail[b.offset-fileEnd:])
		b.offset += int64(n)
		return n, nil
	}
	return 0, io.EOF
}

// Seek implements io.Seeker over the encoded body.
func (b *Body) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = b.offset + offset
	case io.SeekEnd:
		abs = b.Size() + offset
	default:
		return 0, errors.New("multipart: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("multipart: negative position")
	}
	b.offset = abs
	b.fileSynced = false
	return abs, nil
}

// Close implements io.Closer; the file stays open for its owner.
func (b *Body) Close() error { return nil }

func newBoundary() (string, error) {
	var buf [24]byte
	if _, err := rand.Read(buf[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(buf[:]), nil
}

var quoteEscaper = strings.NewReplacer("\\", "\\\\", `"`, "\\\"", "\r", "%0D", "\n", "%0A")

// quote quotes a Content-Disposition parameter the way mime/multipart does.
func quote(s string) string { return `"` + quoteEscaper.Replace(s) + `"` }
