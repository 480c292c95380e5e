package mcpserver

import (
	"bufio"
	"io"
)

// lineReader splits the client's stream into lines, holding at most limit
// bytes of one.
type lineReader struct {
	in    *bufio.Reader
	limit int
	line  []byte // the buffer of the last line, reused for the next
	// tail is the last tailBytes of the last line when it was longer than
	// limit (else empty), for the "id" a client may write last; it may
	// overlap line.
	tail []byte
}

// keptBuffer is the largest line buffer kept from one line to the next: a
// rare long line (an upload) does not pin its size for the connection's life.
const keptBuffer = 64 << 10

func newLineReader(r io.Reader, limit int) *lineReader {
	return &lineReader{in: bufio.NewReaderSize(r, 64<<10), limit: limit}
}

// next reads the next line without its newline; a last line may end
// without one, with err io.EOF. It returns at most limit bytes of the line
// (which is read to its end all the same) and size, the line's full
// length; r.tail holds the end of a longer one. The line is valid until
// the next call.
func (r *lineReader) next() (line []byte, size int, err error) {
	if cap(r.line) > keptBuffer {
		r.line = nil
	}
	r.line, r.tail = r.line[:0], r.tail[:0]
	for {
		chunk, err := r.in.ReadSlice('\n')
		if err == nil {
			chunk = chunk[:len(chunk)-1]
		}
		size += len(chunk)
		room := max(r.limit-len(r.line), 0)
		if len(chunk) > room {
			r.keepTail(chunk[room:])
			chunk = chunk[:room]
		}
		r.line = append(r.line, chunk...)
		if err != bufio.ErrBufferFull {
			r.joinTail()
			return r.line, size, err
		}
	}
}

// keepTail adds b, part of a line past the limit, to the line's tail,
// keeping its last tailBytes.
func (r *lineReader) keepTail(b []byte) {
	if len(b) >= tailBytes {
		r.tail = append(r.tail[:0], b[len(b)-tailBytes:]...)
		return
	}
	if drop := len(r.tail) + len(b) - tailBytes; drop > 0 {
		r.tail = append(r.tail[:0], r.tail[drop:]...)
	}
	r.tail = append(r.tail, b...)
}

// joinTail puts before a tail shorter than tailBytes the end of the line's
// first part, which it follows in the line: a member the limit cut in two
// (an "id" just past it) is then in the tail whole.
func (r *lineReader) joinTail() {
	if len(r.tail) == 0 || len(r.tail) >= tailBytes {
		return
	}
	head := r.line[len(r.line)-min(tailBytes-len(r.tail), len(r.line)):]
	r.tail = append(r.tail, head...)
	copy(r.tail[len(head):], r.tail[:len(r.tail)-len(head)])
	copy(r.tail, head)
}
