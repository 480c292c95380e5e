package server

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
)

// formReader reads a multipart/form-data upload part by part, yielding
// what mime/multipart's Reader.NextPart yields for the same body, but reads
// the body in large blocks and hands a part's content out of its own
// buffer: mime/multipart returns at most 4 KiB per Read, through two
// copies.
//
// How it stays what mime/multipart reads:
//   - Delimiter lines and headers are still read by mime/multipart: a
//     multipart.Reader of its own per part (headGate) is handed the bytes
//     from the previous part's end to the end of this part's header, and
//     not one byte more, so it holds nothing when it returns the part.
//   - A part's content ends where mime/multipart's partReader ends it: the
//     same rule (restated in formscan.go, contentSpan) over the same bytes
//     (formcontent.go).
//   - A body that does not begin the way every client writes one
//     ("--boundary\r\n" first, an RFC 2046 boundary of at most 70
//     characters) is read by mime/multipart alone: a preamble, bare-LF
//     line ends and boundaries long enough to meet mime/multipart's 4 KiB
//     buffer make its reading depend on more than the bytes.
//
// The one deliberate difference: a part the caller leaves unread is
// skipped to its delimiter, as mime/multipart skips it when the part is in
// its buffer whole; mime/multipart stops skipping a quoted-printable part
// at a decoding error, and how far it had read ahead then decides where it
// looks for the next delimiter (a forged part, or an error, depending on
// how the body arrived).
type formReader struct {
	src  io.Reader
	buf  []byte
	r, w int   // buf[r:w] is read from src and not yet handed out
	err  error // src's error, once it has given one; every later fill returns it

	boundary string
	dash     []byte // "--" + boundary
	nlDash   []byte // "\r\n--" + boundary

	part   *partContent      // the current part's content; nil before the first part
	mr     *multipart.Reader // the body's reader when mime/multipart reads it alone
	failed error             // what ended the body: io.EOF after its last part, or an error
}

// formPart is one part of an upload body.
type formPart struct {
	// Header is the part's header, as mime/multipart's NextPart gives it.
	Header textproto.MIMEHeader
	head   *multipart.Part // mime/multipart's reading of the header, for FormName
	// content is the part's content: a *partContent, a quoted-printable
	// decoder over one, or mime/multipart's part.
	content io.Reader
}

// FormName is the part's form field name, as multipart.Part.FormName says.
func (p *formPart) FormName() string { return p.head.FormName() }

// Read reads the part's content.
func (p *formPart) Read(b []byte) (int, error) { return p.content.Read(b) }

// newFormReader reads the multipart body src whose boundary is boundary.
func newFormReader(src io.Reader, boundary string) *formReader {
	return &formReader{
		src:      src,
		buf:      make([]byte, uploadBufferSize),
		boundary: boundary,
		dash:     []byte("--" + boundary),
		nlDash:   []byte("\r\n--" + boundary),
	}
}

// NextPart returns the next part, io.EOF after the last, or the error
// mime/multipart's NextPart gives. The previous part's unread content is
// skipped.
func (fr *formReader) NextPart() (*formPart, error) {
	switch {
	case fr.failed != nil:
		return nil, fr.failed
	case fr.mr != nil:
		return fr.stdlibPart()
	case fr.part == nil && !fr.commonStart():
		fr.mr = multipart.NewReader(rawBody{fr}, fr.boundary)
		return fr.stdlibPart()
	}
	if fr.part != nil {
		if err := fr.part.skip(); err != nil {
			// mime/multipart then reads what is left of the delimiter
			// and meets the same error.
			fr.failed = fmt.Errorf("multipart: NextPart: %w", fr.err)
			return nil, fr.failed
		}
	}
	p, err := fr.readHead(fr.part != nil)
	if err != nil {
		fr.failed = err
		return nil, err
	}
	return p, nil
}

// stdlibPart returns mime/multipart's next part.
func (fr *formReader) stdlibPart() (*formPart, error) {
	p, err := fr.mr.NextPart()
	if err != nil {
		return nil, err
	}
	return &formPart{Header: p.Header, head: p, content: p}, nil
}

// commonStart tells whether the body begins as every client writes one:
// "--boundary\r\n", with a boundary RFC 2046 allows. mime/multipart then
// takes that first line as the first delimiter, with CRLF line ends.
func (fr *formReader) commonStart() bool {
	if !rfcBoundary(fr.boundary) {
		return false
	}
	first := append(append([]byte(nil), fr.dash...), '\r', '\n')
	for fr.w-fr.r < len(first) {
		if fr.fill() != nil {
			return false
		}
	}
	return bytes.HasPrefix(fr.buf[fr.r:fr.w], first)
}

// rfcBoundary tells whether b is a boundary RFC 2046 allows: 1 to 70
// characters of bchars, not ending in a space.
func rfcBoundary(b string) bool {
	if len(b) == 0 || len(b) > 70 || b[len(b)-1] == ' ' {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		alnum := c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !alnum && !bytes.ContainsRune([]byte("'()+_,-./:=? "), rune(c)) {
			return false
		}
	}
	return true
}

// fill reads more of the body into the buffer. It returns nil when it
// added at least one byte, else src's error (every time, once src gave
// one, as mime/multipart's stickyErrorReader does).
func (fr *formReader) fill() error {
	if fr.err != nil {
		return fr.err
	}
	if fr.r == fr.w {
		fr.r, fr.w = 0, 0
	} else if fr.r > 0 && len(fr.buf)-fr.w < len(fr.buf)/4 {
		fr.w = copy(fr.buf, fr.buf[fr.r:fr.w])
		fr.r = 0
	}
	if fr.w == len(fr.buf) {
		// Unreachable: content scanning and headGate hand bytes out
		// before the buffer fills.
		fr.err = errFormBufferFull
		return fr.err
	}
	for range 100 {
		n, err := fr.src.Read(fr.buf[fr.w:])
		fr.w += n
		if err != nil {
			fr.err = err
			if n > 0 {
				return nil
			}
			return err
		}
		if n > 0 {
			return nil
		}
	}
	fr.err = io.ErrNoProgress
	return fr.err
}

var errFormBufferFull = fmt.Errorf("multipart: the upload buffer is full")

// rawBody reads the body on from the formReader's position, for
// mime/multipart.
type rawBody struct{ fr *formReader }

// Read implements io.Reader.
func (b rawBody) Read(p []byte) (int, error) {
	fr := b.fr
	if fr.r == fr.w {
		if err := fr.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, fr.buf[fr.r:fr.w])
	fr.r += n
	return n, nil
}
