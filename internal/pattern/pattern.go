// Package pattern makes deterministic payloads of any size without holding
// them in memory, for the tests and benchmarks that move large files: both
// ends can hash what they see and compare.
package pattern

import (
	"errors"
	"io"
)

// period is the period of the generated payload: a prime, so the
// pattern does not line up with buffer sizes.
const period = 65521

// table holds two periods of the pattern so that any read of up to
// one period is a single copy.
var table = func() []byte {
	t := make([]byte, 2*period)
	x := uint32(2463534242)
	for i := range period {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		t[i] = byte(x)
	}
	copy(t[period:], t[:period])
	return t
}()

// Reader is a deterministic io.ReadSeeker of size bytes whose byte at
// offset i depends only on i. It holds no payload: memory stays constant
// whatever the size.
type Reader struct {
	size, off int64
}

// NewReader returns a Reader of size bytes, positioned at the start.
func NewReader(size int64) *Reader { return &Reader{size: size} }

// Read implements io.Reader.
func (p *Reader) Read(b []byte) (int, error) {
	if p.off >= p.size {
		return 0, io.EOF
	}
	if rem := p.size - p.off; int64(len(b)) > rem {
		b = b[:rem]
	}
	n := 0
	for n < len(b) {
		start := int(p.off % period)
		c := copy(b[n:], table[start:start+period])
		n += c
		p.off += int64(c)
	}
	return n, nil
}

// Seek implements io.Seeker.
func (p *Reader) Seek(offset int64, whence int) (int64, error) {
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = p.off + offset
	case io.SeekEnd:
		abs = p.size + offset
	default:
		return 0, errors.New("pattern: invalid whence")
	}
	if abs < 0 {
		return 0, errors.New("pattern: negative position")
	}
	p.off = abs
	return abs, nil
}
