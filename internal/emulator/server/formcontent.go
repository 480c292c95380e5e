package server

import (
	"io"
)

// partContent is the content of a part formReader reads itself, handed out
// of its buffer. It ends where mime/multipart's partReader ends it, with
// the same error: the same rule (contentSpan) over the same bytes, and the
// rule's answer does not depend on how the bytes are split between reads.
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
		k, err := fr.contentSpan(fr.buf[fr.r+c.n:fr.w], c.total+int64(c.n) == 0, c.readErr)
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
