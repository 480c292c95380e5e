package server

import (
	"bufio"
	"bytes"
	"io"
	"mime/multipart"
	"reflect"
)

// mime/multipart hands out a part's content at most 4 KiB per Read (its
// own buffer's size), 262,144 calls and two extra copies per GiB. A
// formReader keeps mime/multipart for everything but the bulk of a
// part's content: the boundaries, the headers and their limits, the
// preamble, truncation and every error are still its own. It reads the
// body through a large buffer, and feeds mime/multipart from it one line
// at a time, so that when NextPart returns, mime/multipart holds nothing
// of the part's content: partBody then hands the content out of the large
// buffer for as long as it is certainly content, and gives the rest of
// the part (at least its closing delimiter) back to mime/multipart.

// formReader reads a multipart/form-data body.
type formReader struct {
	mr *multipart.Reader
	br *bufio.Reader
	// dash is "--boundary"; lfDash is "\n--boundary", the end of the
	// delimiter in both of mime/multipart's newline modes (CRLF and LF).
	dash, lfDash []byte
}

func newFormReader(body io.Reader, boundary string) *formReader {
	br := bufio.NewReaderSize(&stickyReader{r: body}, uploadBufferSize)
	return &formReader{
		mr:     multipart.NewReader(lineFeeder{br}, boundary),
		br:     br,
		dash:   []byte("--" + boundary),
		lfDash: []byte("\n--" + boundary),
	}
}

// formPart is a part and the reader of its content.
type formPart struct {
	*multipart.Part
	content io.Reader
}

// NextPart returns multipart.Reader.NextPart's next part, whose content
// is read out of the large buffer unless mime/multipart decodes it
// (quoted-printable).
func (f *formReader) NextPart() (formPart, error) {
	p, err := f.mr.NextPart()
	if err != nil {
		return formPart{}, err
	}
	if !rawContent(p) {
		return formPart{p, p}, nil
	}
	return formPart{p, &partBody{f: f, part: p}}, nil
}

// rawContent tells whether mime/multipart hands out p's content as it is,
// not decoded. NextPart hides the Content-Transfer-Encoding it decodes,
// and NextRawPart would change what Part.Close (which NextPart calls)
// reads of a part that fails to decode; so the Part's own reader is
// looked at. Anything unexpected (another Go release) reads through
// mime/multipart, which is slower, not wrong.
func rawContent(p *multipart.Part) bool {
	r := reflect.ValueOf(p).Elem().FieldByName("r")
	return r.IsValid() && r.Kind() == reflect.Interface && !r.IsNil() &&
		r.Elem().Type().PkgPath() == "mime/multipart" && r.Elem().Type().Name() == "partReader"
}

// stickyReader returns its reader's first error again on every later
// Read, so that what partBody saw and what mime/multipart sees after it
// end alike.
type stickyReader struct {
	r   io.Reader
	err error
}

func (s *stickyReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.err = err
	return n, err
}

// lineFeeder feeds mime/multipart from the large buffer, never past the
// end of a line: what mime/multipart has read past the headers' blank
// line is nothing.
type lineFeeder struct{ br *bufio.Reader }

func (l lineFeeder) Read(p []byte) (int, error) {
	if _, err := l.br.Peek(1); err != nil {
		return 0, err
	}
	buf, _ := l.br.Peek(l.br.Buffered())
	if i := bytes.IndexByte(buf, '\n'); i >= 0 {
		buf = buf[:i+1]
	}
	n := copy(p, buf)
	_, _ = l.br.Discard(n)
	return n, nil
}

// partBody reads a part's content out of the large buffer while it is
// certainly content, then through mime/multipart.
type partBody struct {
	f     *formReader
	part  *multipart.Part
	read  int64 // content handed out of the large buffer
	safe  int   // bytes at the buffer's head known to be content
	multi bool  // mime/multipart reads the rest
}

func (b *partBody) Read(p []byte) (int, error) {
	if !b.multi && b.safe == 0 {
		b.safe = b.scan()
		b.multi = b.safe == 0
	}
	if b.multi {
		return b.part.Read(p)
	}
	n, _ := b.f.br.Read(p[:min(len(p), b.safe)])
	b.safe -= n
	b.read += int64(n)
	return n, nil
}

// WriteTo implements io.WriterTo: it writes the content to w straight out
// of the large buffer, in writes of fileWriteSize that end at multiples of
// it into the content (whole, aligned page-cache blocks for a file
// written from its start); what mime/multipart reads at the end goes
// through a buffer.
func (b *partBody) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for !b.multi {
		k := fileWriteSize - int(b.read%fileWriteSize)
		if b.safe < k {
			// Wait for a whole write's worth, or the end, so that a
			// slowly arriving body is still written in whole blocks.
			_, _ = b.f.br.Peek(k + len(b.f.lfDash) + 2)
			b.safe = max(b.safe, b.scan())
			if b.multi = b.safe == 0; b.multi {
				break
			}
		}
		buf, _ := b.f.br.Peek(min(k, b.safe))
		m, err := w.Write(buf)
		_, _ = b.f.br.Discard(m)
		b.safe -= m
		b.read += int64(m)
		n += int64(m)
		if err != nil {
			return n, err
		}
	}
	bw := bufio.NewWriterSize(struct{ io.Writer }{w}, fileWriteSize)
	m, err := bw.ReadFrom(b.part)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return n + m, err
}

// scan returns how many bytes at the buffer's head are certainly the
// part's content, reading more when it cannot tell yet; 0 when
// mime/multipart must read on: at the part's end, at a read error, or
// where only the newline mode could tell.
func (b *partBody) scan() int {
	br := b.f.br
	buf, err := br.Peek(max(br.Buffered(), 1))
	for {
		safe, more := contentLen(buf, b.f.dash, b.f.lfDash, b.read == 0, err != nil)
		if safe > 0 || !more || len(buf) == br.Size() {
			return safe
		}
		// Asking for one byte more than it holds makes the buffer read
		// the body, or tells why it cannot. (A read may move what the
		// buffer holds: buf is taken again.)
		if buf, err = br.Peek(len(buf) + 1); err == nil {
			buf, _ = br.Peek(br.Buffered())
		}
	}
}

// contentLen tells how much of buf, the head of a part's content, is
// content in both of mime/multipart's newline modes, by mime/multipart's
// rules (scanUntilBoundary): a part ends where "\r\n--boundary" (or
// "\n--boundary" in LF mode) is followed by "--", a space, a tab, a CR, a
// LF or the end of input, and at its start "--boundary" alone ends it too.
// It never counts a CR that may begin a delimiter, nor bytes that may
// begin one. more says the answer may grow with more input; final says
// there is none (the body ended or failed).
func contentLen(buf, dash, lfDash []byte, start, final bool) (safe int, more bool) {
	if start && len(buf) > 0 && buf[0] == '-' {
		switch {
		case bytes.HasPrefix(buf, dash):
			m := boundaryMatch(buf, dash, final)
			if m < 0 {
				return len(dash), true
			}
			return 0, m == 0
		case bytes.HasPrefix(dash, buf):
			return 0, !final
		}
	}
	if j := bytes.Index(buf, lfDash); j >= 0 {
		m := boundaryMatch(buf[j:], lfDash, final)
		if m < 0 {
			return j + len(lfDash), true
		}
		return withoutCR(buf, j), m == 0
	}
	end := len(buf)
	if k := bytes.LastIndexByte(buf, '\n'); k >= 0 && bytes.HasPrefix(lfDash, buf[k:]) {
		end = k
	}
	return withoutCR(buf, end), !final
}

// withoutCR is end, less one if buf[end-1] is a CR (which may begin
// "\r\n--boundary").
func withoutCR(buf []byte, end int) int {
	if end > 0 && buf[end-1] == '\r' {
		return end - 1
	}
	return end
}

// boundaryMatch tells whether buf, which starts with prefix (a
// delimiter), is a boundary: +1 if prefix is followed by "--", a space, a
// tab, a CR, a LF or the end of input; -1 if by anything else; 0 if more
// input must tell (mime/multipart's matchAfterPrefix).
func boundaryMatch(buf, prefix []byte, final bool) int {
	if len(buf) == len(prefix) {
		if final {
			return +1
		}
		return 0
	}
	switch c := buf[len(prefix)]; c {
	case ' ', '\t', '\r', '\n':
		return +1
	case '-':
		if len(buf) == len(prefix)+1 {
			if final {
				return -1
			}
			return 0
		}
		if buf[len(prefix)+1] == '-' {
			return +1
		}
	}
	return -1
}
