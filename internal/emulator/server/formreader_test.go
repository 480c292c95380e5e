package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"mime/quotedprintable"
	"strings"
	"testing"
)

// The differential harness: formReader against mime/multipart alone (the
// emulator's reader before formReader) on the same bytes.

// formOutcome is what a reader of a multipart body saw: each part's form
// name, header, content and content error, then the error that ended
// NextPart.
type formOutcome struct {
	parts []string
	end   string
	// qpLeft is 1 + the index of the first quoted-printable part that
	// formReader itself read (not one it left to mime/multipart) and that
	// was left unread in part, or 0: how mime/multipart skips the rest
	// depends on whether it fails to decode (untilQPError).
	qpLeft int
}

// chunkedReader returns at most chunk bytes per Read, and fails with
// errBroken after failAt bytes (when failAt >= 0).
type chunkedReader struct {
	data   []byte
	chunk  int
	failAt int
}

var errBroken = errors.New("connection broken")

func (c *chunkedReader) Read(p []byte) (int, error) {
	if c.failAt == 0 {
		return 0, errBroken
	}
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.chunk, len(c.data))
	if c.failAt > 0 {
		n = min(n, c.failAt)
		c.failAt -= n
	}
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// nextFunc returns a body's next part: its form name, header and content.
type nextFunc func() (name string, header fmt.Stringer, content io.Reader, err error)

// headerString prints a header in a stable order.
type headerString map[string][]string

func (h headerString) String() string { return fmt.Sprint(map[string][]string(h)) }

// readForm reads every part of a body with next and records what it saw.
// Content is read readSize bytes at a time; with readSize 0 it is copied
// as an upload copies it (copyToFile), and with limit > 0 only limit
// bytes of each part are read before asking for the next.
func readForm(next nextFunc, readSize int, limit int64) formOutcome {
	var out formOutcome
	for range 100 {
		name, h, content, err := next()
		if err != nil {
			out.end = err.Error()
			return out
		}
		_, qp := content.(*quotedprintable.Reader) // a part formReader decodes
		if limit > 0 {
			content = io.LimitReader(content, limit)
		}
		got, rerr := readContent(content, readSize)
		if qp && limit > 0 && int64(len(got)) == limit && out.qpLeft == 0 {
			out.qpLeft = len(out.parts) + 1
		}
		if limit > 0 && int64(len(got)) == limit {
			// Whether a read that ends at the limit also brings the
			// body's error depends, with mime/multipart too, on
			// whether the error had arrived when the last bytes were
			// handed out; an upload refuses such a part either way
			// (longer than its limit).
			rerr = nil
		}
		out.parts = append(out.parts, fmt.Sprintf("%q %v %q %v", name, h, got, rerr))
	}
	out.end = "too many parts"
	return out
}

// readContent reads r to its end as readForm says.
func readContent(r io.Reader, readSize int) ([]byte, error) {
	var got bytes.Buffer
	if readSize == 0 {
		limit := int64(1 << 40)
		if lr, ok := r.(*io.LimitedReader); ok {
			r, limit = lr.R, lr.N
		}
		_, err := (&Server{}).copyToFile(&got, r, limit)
		return got.Bytes(), err
	}
	buf := make([]byte, readSize)
	for {
		n, err := r.Read(buf)
		got.Write(buf[:n])
		if err == io.EOF {
			return got.Bytes(), nil
		}
		if err != nil {
			return got.Bytes(), err
		}
	}
}

// stdlibForm is what mime/multipart alone sees of body, read through the
// 256 KiB buffer the emulator had under it.
func stdlibForm(body io.Reader, boundary string, readSize int, limit int64) formOutcome {
	mr := multipart.NewReader(bufio.NewReaderSize(body, uploadBufferSize), boundary)
	return readForm(func() (string, fmt.Stringer, io.Reader, error) {
		p, err := mr.NextPart()
		if err != nil {
			return "", nil, nil, err
		}
		return p.FormName(), headerString(p.Header), p, nil
	}, readSize, limit)
}

// formReaderForm is what a formReader sees of body.
func formReaderForm(body io.Reader, boundary string, readSize int, limit int64) formOutcome {
	fr := newFormReader(body, boundary)
	return readForm(func() (string, fmt.Stringer, io.Reader, error) {
		p, err := fr.NextPart()
		if err != nil {
			return "", nil, nil, err
		}
		return p.FormName(), headerString(p.Header), p.content, nil
	}, readSize, limit)
}

// requireSameForm requires formReader to see data as mime/multipart does.
func requireSameForm(t *testing.T, data []byte, boundary string, chunk, failAt, readSize int, limit int64) {
	t.Helper()
	chunk, readSize = max(chunk, 1), max(readSize, 0)
	want := stdlibForm(&chunkedReader{data: data, chunk: chunk, failAt: failAt}, boundary, readSize, limit)
	got := formReaderForm(&chunkedReader{data: data, chunk: chunk, failAt: failAt}, boundary, readSize, limit)
	want, got = untilQPError(want, got)
	if fmt.Sprint(want) != fmt.Sprint(got) {
		t.Fatalf("body %.500q, boundary %q, chunk %d, failAt %d, reads of %d, parts read up to %d bytes:\nmime/multipart: %.800q\nformReader:     %.800q",
			data, boundary, chunk, failAt, readSize, limit, shortForm(want), shortForm(got))
	}
}

// untilQPError cuts both outcomes after the first part whose
// quoted-printable failed to decode, or may fail in what was left unread
// of it: formReader then skips the rest of the part to its delimiter,
// where what mime/multipart does next depends on how far it had read ahead
// (formReader's doc comment).
func untilQPError(want, got formOutcome) (formOutcome, formOutcome) {
	cut := got.qpLeft
	for i, p := range want.parts {
		if strings.Contains(p, "quotedprintable: ") && (cut == 0 || i+1 < cut) {
			cut = i + 1
			break
		}
	}
	if cut > 0 {
		want.parts, want.end = want.parts[:min(cut, len(want.parts))], ""
		got.parts, got.end = got.parts[:min(cut, len(got.parts))], ""
	}
	want.qpLeft, got.qpLeft = 0, 0
	return want, got
}

// shortForm is o with each part's record cut to its ends.
func shortForm(o formOutcome) string {
	var s []string
	for _, p := range o.parts {
		if len(p) > 160 {
			p = fmt.Sprintf("%s...(%d bytes)...%s", p[:80], len(p), p[len(p)-80:])
		}
		s = append(s, p)
	}
	return strings.Join(append(s, "end: "+o.end), " | ")
}

// requireSameFormAllWays compares formReader with mime/multipart on body
// with connection reads of many sizes, content reads of many sizes, parts
// read only in part, and the connection failing at every one of the
// first 200 bytes.
// (Bodies over 16 KiB skip the reads of a few bytes, which only make the
// test slow.)
func requireSameFormAllWays(t *testing.T, body, boundary string) {
	t.Helper()
	chunks, readSizes := []int{1, 2, 3, 7, 4096, 1 << 20}, []int{0, 1, 5, 4096, 1 << 20}
	if len(body) > 16<<10 {
		chunks, readSizes = []int{7, 4096, 1 << 20}, []int{0, 4096, 1 << 20}
	}
	for _, chunk := range chunks {
		for _, readSize := range readSizes {
			requireSameForm(t, []byte(body), boundary, chunk, -1, readSize, 0)
		}
		for _, limit := range []int64{1, 3, 5, 4096} {
			requireSameForm(t, []byte(body), boundary, chunk, -1, 1000, limit)
			requireSameForm(t, []byte(body), boundary, chunk, -1, 0, limit)
		}
	}
	for failAt := range min(len(body), 200) {
		requireSameForm(t, []byte(body), boundary, 3, failAt, 1000, 0)
		requireSameForm(t, []byte(body), boundary, 3, failAt, 0, 0)
	}
}

// formReader sees every body of formCases as mime/multipart does.
func TestFormReaderReadsAsMimeMultipart(t *testing.T) {
	for _, tc := range formCases {
		t.Run(tc.name, func(t *testing.T) {
			requireSameFormAllWays(t, tc.body, tc.boundary)
		})
	}
}

// FuzzFormReader compares formReader with mime/multipart on any body,
// boundary, connection read size, failure point, content read size and
// partial read of each part.
func FuzzFormReader(f *testing.F) {
	for _, tc := range formCases {
		if len(tc.body) < 8192 {
			f.Add([]byte(tc.body), tc.boundary, uint16(3), int32(-1), uint16(5), uint16(0))
			f.Add([]byte(tc.body), tc.boundary, uint16(4096), int32(len(tc.body)/2), uint16(0), uint16(0))
			f.Add([]byte(tc.body), tc.boundary, uint16(7), int32(-1), uint16(0), uint16(3))
		}
	}
	for _, body := range sdkBodies(f) {
		f.Add(body.data, body.boundary, uint16(1000), int32(-1), uint16(0), uint16(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, boundary string, chunk uint16, failAt int32, readSize, limit uint16) {
		if boundary == "" || strings.ContainsAny(boundary, "\r\n") || len(boundary) > 100 {
			return // not a boundary mime.ParseMediaType gives
		}
		requireSameForm(t, data, boundary, int(chunk), int(failAt), int(readSize), int64(limit))
	})
}
