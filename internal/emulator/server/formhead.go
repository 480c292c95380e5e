package server

import (
	"errors"
	"io"
	"mime/multipart"
	"mime/quotedprintable"
	"strings"
)

// readHead reads the next part's delimiter line and header with a
// multipart.Reader of its own, fed by a headGate from the formReader's
// position, and starts reading the part's content. After a part
// (afterPart), that reader is first put in the state mime/multipart is in
// after a part: it reads a made-up empty first part, which also sets CRLF
// line ends, the only ones formReader reads itself; its partsRead is then
// above 0 and nothing else of it depends on earlier parts. The made-up
// part's content ends at once: the position is where a content scan found
// a delimiter, so the same scan finds it there at the content's start.
func (fr *formReader) readHead(afterPart bool) (*formPart, error) {
	gate := &headGate{fr: fr}
	var src io.Reader = gate
	if afterPart {
		src = io.MultiReader(strings.NewReader("--"+fr.boundary+"\r\n\r\n"), gate)
	}
	mr := multipart.NewReader(src, fr.boundary)
	if afterPart {
		if _, err := mr.NextRawPart(); err != nil {
			return nil, err // unreachable: the made-up part is well formed
		}
	}
	p, err := mr.NextRawPart()
	if err != nil {
		return nil, err
	}
	if !gate.done {
		// Unreachable: mime/multipart returns a header only once it has
		// read the blank line that ends it, the gate's end.
		return nil, errors.New("multipart: the part's header ended before its blank line")
	}
	c := &partContent{fr: fr}
	fr.part = c
	fp := &formPart{Header: p.Header, head: p, content: c}
	// NextPart (not NextRawPart) decodes a part declared quoted-printable,
	// in any casing, and drops the declaration from the header it gives:
	// the caller then sees decoded bytes under a header that no longer
	// claims an encoding.
	if enc := p.Header.Get("Content-Transfer-Encoding"); strings.EqualFold(enc, "quoted-printable") {
		p.Header.Del("Content-Transfer-Encoding")
		fp.content = quotedprintable.NewReader(c)
	}
	return fp, nil
}

// headGate hands mime/multipart the body from the formReader's position to
// the end of the next part's header and nothing more, so that when
// mime/multipart returns the part it has read exactly that far and holds
// nothing of the content.
//
// Where the header ends: at the first blank line after the first line.
// From the formReader's position mime/multipart reads a first line (at
// the body's start, the delimiter "--boundary\r\n" formReader has checked;
// after a part, the "\r\n" before the delimiter, or the delimiter itself
// when the part's content is empty), then, to read a header at all, a
// delimiter line (which begins with "--", so is not blank), then header
// lines up to the first blank one. A blank line is "\n" or "\r\n": what
// bufio.Reader.ReadLine returns empty, and a line that begins with
// neither a space nor a tab, so never a header's continuation.
type headGate struct {
	fr    *formReader
	state gateState
	done  bool // the blank line that ends the header has been handed out
}

// gateState is where headGate is in the lines it has handed out.
type gateState int

const (
	gateFirstLine gateState = iota // in the first line
	gateLineStart                  // at the start of a later line
	gateLineCR                     // after a CR that starts a later line
	gateLine                       // in a later line, not blank
	gateDone                       // after the first blank later line
)

// errReadPastHead is what headGate answers when asked for more than the
// header; by the reasoning above mime/multipart never asks.
var errReadPastHead = errors.New("multipart: read past the part's header")

// Read implements io.Reader.
func (g *headGate) Read(p []byte) (int, error) {
	if g.done {
		return 0, errReadPastHead
	}
	fr := g.fr
	if fr.r == fr.w {
		if err := fr.fill(); err != nil {
			return 0, err
		}
	}
	avail := fr.buf[fr.r:min(fr.w, fr.r+len(p))]
	n := copy(p, avail[:g.advance(avail)])
	fr.r += n
	return n, nil
}

// advance follows b's lines and returns how many of its bytes come before
// the header's end, the blank line included.
func (g *headGate) advance(b []byte) int {
	for i, c := range b {
		g.state = g.state.next(c)
		if g.state == gateDone {
			g.done = true
			return i + 1
		}
	}
	return len(b)
}

// next is the state after the byte c.
func (s gateState) next(c byte) gateState {
	switch {
	case c == '\n' && (s == gateLineStart || s == gateLineCR):
		return gateDone // the line was "\n" or "\r\n"
	case c == '\n':
		return gateLineStart
	case c == '\r' && s == gateLineStart:
		return gateLineCR
	case s == gateFirstLine:
		return s
	}
	return gateLine
}
