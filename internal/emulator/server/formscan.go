package server

import (
	"bytes"
	"io"
)

// How much of the buffered bytes is a part's content: the rule below is
// mime/multipart's (Go 1.26), restated so that a part formReader reads
// ends exactly where mime/multipart would end it. formReader reads only
// bodies with an RFC 2046 boundary and CRLF line ends (commonStart), so
// the delimiter looked for is "\r\n--boundary" and holds a single CR: its
// first byte.
//
// The rule, as facts: content ends before "\r\n--boundary" (or before
// "--boundary" as the very first bytes of the content) when what follows
// it is "--", a space, a tab, CR, LF, or the end of the body; anything
// else after it ("--boundaryX", "--boundary-X") keeps it content. Bytes
// that could still grow into a delimiter are held back until more of the
// body arrives or the body ends.

// delimiterVerdict is what the bytes after a delimiter's "--boundary" say
// of it.
type delimiterVerdict int

const (
	verdictPending delimiterVerdict = iota // the next byte or two have not arrived
	verdictEnds                            // a delimiter: the content ends before it
	verdictContent                         // a look-alike inside the content
)

// judgeDelimiter reads after, the bytes that follow a "--boundary"; ended
// says the body will bring no more bytes (it gave an error).
func judgeDelimiter(after []byte, ended bool) delimiterVerdict {
	switch {
	case len(after) == 0:
		if ended {
			return verdictEnds // the body stopped right after the boundary
		}
		return verdictPending
	case bytes.IndexByte([]byte(" \t\r\n"), after[0]) >= 0:
		return verdictEnds
	case after[0] != '-':
		return verdictContent
	case len(after) == 1:
		if ended {
			return verdictContent // a single dash, then nothing
		}
		return verdictPending
	case after[1] == '-':
		return verdictEnds // the closing "--boundary--"
	}
	return verdictContent
}

// settle turns a verdict on a delimiter candidate at buf[at:], whose
// fixed part is size bytes long, into the content length and end that
// contentSpan answers.
func settle(v delimiterVerdict, at, size int) (int, error) {
	switch v {
	case verdictEnds:
		return at, io.EOF
	case verdictPending:
		return at, nil // at may be 0: the caller then reads more
	}
	// Content up to the candidate's end; the scan goes on from there on
	// the next call (a candidate holds one CR, so no delimiter can begin
	// inside it).
	return at + size, nil
}

// contentSpan tells how many bytes at the start of buf, the unread part of
// a part's content as far as it has arrived, are surely content, and what
// comes once they are handed out: io.EOF when a delimiter follows them,
// bodyErr when the body gave an error and nothing more can follow, nil
// when the answer needs more of the body (0 bytes then means: read more).
// atStart says no byte of the content has been handed out: only there
// may a delimiter come without the line break before it.
func (fr *formReader) contentSpan(buf []byte, atStart bool, bodyErr error) (int, error) {
	ended := bodyErr != nil
	if atStart {
		if bytes.HasPrefix(buf, fr.dash) {
			return settle(judgeDelimiter(buf[len(fr.dash):], ended), 0, len(fr.dash))
		}
		if bytes.HasPrefix(fr.dash, buf) {
			return 0, bodyErr // all of buf may be the start of a delimiter
		}
	}
	if at := bytes.Index(buf, fr.nlDash); at >= 0 {
		return settle(judgeDelimiter(buf[at+len(fr.nlDash):], ended), at, len(fr.nlDash))
	}
	held := cutDelimiterStart(buf, fr.nlDash)
	if held == 0 || held == len(buf) {
		return held, bodyErr
	}
	// Hand out what comes before the held-back bytes first; the body's
	// error, if any, is answered on the next call, for those bytes alone.
	return held, nil
}

// cutDelimiterStart returns where buf ends with the first bytes of nl
// (a delimiter cut off by the end of what has arrived), or len(buf). Only
// the last len(nl)-1 bytes can be such a start (a whole nl was looked for
// already), and at most one of them, since nl holds a single CR.
func cutDelimiterStart(buf, nl []byte) int {
	for i := max(0, len(buf)-len(nl)+1); i < len(buf); i++ {
		if buf[i] == nl[0] && bytes.HasPrefix(nl, buf[i:]) {
			return i
		}
	}
	return len(buf)
}
