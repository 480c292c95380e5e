package azsessions

import (
	"errors"
	"io"
	"sync"
)

// downloadChunk is how much of a download downloadBody.WriteTo hands to its
// writer at once. A file written in blocks this large takes half the system
// time of one written 32 KiB at a time (io.Copy's size) and, on the Linux
// VMs measured, larger blocks were no faster and sometimes slower, as the
// page cache then asks for large runs of fresh memory. See
// docs/benchmarks.md, "Emulator file transfers".
const downloadChunk = 256 << 10

// downloadBuffers recycles WriteTo's buffers between downloads.
var downloadBuffers = sync.Pool{New: func() any { b := make([]byte, downloadChunk); return &b }}

// downloadBody is a download's stream. It reads like the HTTP body under
// it; io.Copy into a file (or anything) goes through WriteTo, which reads
// and writes in blocks of downloadChunk instead of io.Copy's 32 KiB.
type downloadBody struct {
	io.ReadCloser
}

// WriteTo implements io.WriterTo: it fills a block from the body, writes it
// to w, and repeats until the body ends. A body that fails mid-file returns
// its error after the bytes that did arrive are written.
func (b downloadBody) WriteTo(w io.Writer) (int64, error) {
	bp := downloadBuffers.Get().(*[]byte)
	defer downloadBuffers.Put(bp)
	var written int64
	for {
		n, rerr := fill(b.ReadCloser, *bp)
		if n > 0 {
			m, werr := w.Write((*bp)[:n])
			written += int64(m)
			if werr == nil && m < n {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return written, werr
			}
		}
		if errors.Is(rerr, io.EOF) {
			return written, nil
		}
		if rerr != nil {
			return written, rerr
		}
	}
}

// fill reads r into buf until buf is full or r fails. Unlike io.ReadFull
// it keeps r's own error: net/http reports a body cut short as
// io.ErrUnexpectedEOF, which ReadFull also uses for a clean end mid-block.
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
