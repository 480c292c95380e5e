package server

import (
	"bytes"
	"io"
)

// partContent is the content of a part formReader reads itself, handed out
// of its buffer. It ends where mime/multipart's partReader ends it, with
// the same error: the same scan over the same bytes, and that scan's
// answer does not depend on how the bytes are split between reads.
type partContent struct {
	fr *formReader
	// total counts the bytes handed out, as partReader's p.total: a
	// delimiter at the very start needs no line break before it.
	total int64
	// n bytes at fr.buf[fr.r:] are known to be content (partReader's p.n).
	n int
	// err ends the content once the n bytes are handed out: io.EOF at a
	// delimiter, else a read error (partReader's p.err).
	err error
	// readErr is the body's error once the scan has asked for more than
	// there was (partReader's p.readErr).
	readErr error
}

// need scans until want bytes of content are known, the content's end is
// found, or the buffer is full (partReader.Read's loop, which stops at
// one byte).
func (c *partContent) need(want int) {
	fr := c.fr
	for c.n < want && c.err == nil {
		k, err := scanUntilBoundary(fr.buf[fr.r+c.n:fr.w], fr.dash, fr.nlDash, c.total+int64(c.n), c.readErr)
		c.n += k
		c.err = err
		if k > 0 || err != nil {
			continue
		}
		if fr.w-fr.r == len(fr.buf) {
			return // c.n > 0: a full buffer holds content
		}
		if err := fr.fill(); err != nil {
			c.readErr = err
			if err == io.EOF {
				c.readErr = io.ErrUnexpectedEOF
			}
		}
	}
}

// take hands out k of the known bytes.
func (c *partContent) take(k int) []byte {
	fr := c.fr
	b := fr.buf[fr.r : fr.r+k]
	fr.r += k
	c.n -= k
	c.total += int64(k)
	return b
}

// Read implements io.Reader as partReader.Read does.
func (c *partContent) Read(d []byte) (int, error) {
	c.need(1)
	if c.n == 0 {
		return 0, c.err
	}
	k := copy(d, c.take(min(len(d), c.n)))
	if c.n == 0 {
		return k, c.err
	}
	return k, nil
}

// skip reads to the content's end; nil when it ends at a delimiter.
func (c *partContent) skip() error {
	for {
		c.need(1)
		if c.n == 0 {
			if c.err == io.EOF {
				return nil
			}
			return c.err
		}
		c.take(c.n)
	}
}

// writeTo writes the content to w, at most limit bytes, straight out of
// the buffer, in writes of fileWriteSize (all but the last): it waits for
// a whole write's worth of the body only while the content's end has not
// arrived. A write of a Unix file is a system call however small, and a
// page-cache block per write (fileWriteSize says why not larger).
func (c *partContent) writeTo(w io.Writer, limit int64) (int64, error) {
	var written int64
	for written < limit {
		c.need(fileWriteSize)
		if c.n == 0 {
			if c.err == io.EOF {
				return written, nil
			}
			return written, c.err
		}
		k := int(min(int64(c.n), fileWriteSize, limit-written))
		m, err := w.Write(c.fr.buf[c.fr.r : c.fr.r+k])
		c.take(m)
		written += int64(m)
		if err == nil && m < k {
			err = io.ErrShortWrite
		}
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// scanUntilBoundary and matchAfterPrefix are mime/multipart's own (Go
// 1.26, src/mime/multipart/multipart.go, BSD licence), so that a part's
// content ends where mime/multipart ends it.
//
// scanUntilBoundary scans buf to identify how much of it can be safely
// returned as part of the Part body.
// dashBoundary is "--boundary".
// nlDashBoundary is "\r\n--boundary" or "\n--boundary", depending on what mode we are in.
// The comments below (and the name) assume "\n--boundary", but either is accepted.
// total is the number of bytes read out so far. If total == 0, then a leading "--boundary" is recognized.
// readErr is the read error, if any, that followed reading the bytes in buf.
// scanUntilBoundary returns the number of data bytes from buf that can be
// returned as part of the Part body and also the error to return (if any)
// once those data bytes are done.
func scanUntilBoundary(buf, dashBoundary, nlDashBoundary []byte, total int64, readErr error) (int, error) {
	if total == 0 {
		// At beginning of body, allow dashBoundary.
		if bytes.HasPrefix(buf, dashBoundary) {
			switch matchAfterPrefix(buf, dashBoundary, readErr) {
			case -1:
				return len(dashBoundary), nil
			case 0:
				return 0, nil
			case +1:
				return 0, io.EOF
			}
		}
		if bytes.HasPrefix(dashBoundary, buf) {
			return 0, readErr
		}
	}

	// Search for "\n--boundary".
	if i := bytes.Index(buf, nlDashBoundary); i >= 0 {
		switch matchAfterPrefix(buf[i:], nlDashBoundary, readErr) {
		case -1:
			return i + len(nlDashBoundary), nil
		case 0:
			return i, nil
		case +1:
			return i, io.EOF
		}
	}
	if bytes.HasPrefix(nlDashBoundary, buf) {
		return 0, readErr
	}

	// Otherwise, anything up to the final \n is not part of the boundary
	// and so must be part of the body.
	// Also if the section from the final \n onward is not a prefix of the boundary,
	// it too must be part of the body.
	i := bytes.LastIndexByte(buf, nlDashBoundary[0])
	if i >= 0 && bytes.HasPrefix(nlDashBoundary, buf[i:]) {
		return i, nil
	}
	return len(buf), readErr
}

// matchAfterPrefix checks whether buf should be considered to match the boundary.
// The prefix is "--boundary" or "\r\n--boundary" or "\n--boundary",
// and the caller has verified already that bytes.HasPrefix(buf, prefix) is true.
//
// matchAfterPrefix returns +1 if the buffer does match the boundary,
// meaning the prefix is followed by a double dash, space, tab, cr, nl,
// or end of input.
// It returns -1 if the buffer definitely does NOT match the boundary,
// meaning the prefix is followed by some other character.
// For example, "--foobar" does not match "--foo".
// It returns 0 more input needs to be read to make the decision,
// meaning that len(buf) == len(prefix) and readErr == nil.
func matchAfterPrefix(buf, prefix []byte, readErr error) int {
	if len(buf) == len(prefix) {
		if readErr != nil {
			return +1
		}
		return 0
	}
	c := buf[len(prefix)]

	if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
		return +1
	}

	// Try to detect boundaryDash
	if c == '-' {
		if len(buf) == len(prefix)+1 {
			if readErr != nil {
				// Prefix + "-" does not match
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
