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
// length. The line is valid until the next call.
func (r *lineReader) next() (line []byte, size int, err error) {
	if cap(r.line) > keptBuffer {
		r.line = nil
	}
	r.line = r.line[:0]
	for {
		chunk, err := r.in.ReadSlice('\n')
		if err == nil {
			chunk = chunk[:len(chunk)-1]
		}
		size += len(chunk)
		if room := r.limit - len(r.line); len(chunk) > room {
			chunk = chunk[:max(room, 0)]
		}
		r.line = append(r.line, chunk...)
		if err != bufio.ErrBufferFull {
			return r.line, size, err
		}
	}
}
