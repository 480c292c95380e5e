package azsessions

import (
	"errors"
	"io"
	"sync"
)

// downloadChunk is how much of a download downloadBody.WriteTo reads from
// the connection at once; it hands it to its writer in writes of
// downloadWrite bytes.
//
// Why two sizes: on the Linux VMs measured, writing a file takes fresh
// page-cache memory whose size follows the write's. Up to 32 KiB it comes
// from the kernel's per-CPU lists of recently freed pages; larger writes
// take larger blocks, which a VM that hands free memory back to its host
// (virtio-balloon free page reporting) must fault back in. Writing 1 GiB
// after a few idle seconds took 0.31-0.46 s in 32 KiB writes and 1.3-1.9 s
// in 256 KiB writes (0.33 s and 0.18 s with no pause). Reading the socket
// in large blocks has no such cost and saves system calls.
const (
	downloadChunk = 256 << 10
	downloadWrite = 32 << 10
)

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
		m, werr := writeInPieces(w, (*bp)[:n])
		written += int64(m)
		if werr != nil {
			return written, werr
		}
		if errors.Is(rerr, io.EOF) {
			return written, nil
		}
		if rerr != nil {
			return written, rerr
		}
	}
}

// writeInPieces writes p to w in writes of at most downloadWrite bytes.
func writeInPieces(w io.Writer, p []byte) (int, error) {
	done := 0
	for done < len(p) {
		piece := p[done:min(len(p), done+downloadWrite)]
		m, err := w.Write(piece)
		done += m
		if err == nil && m < len(piece) {
			err = io.ErrShortWrite
		}
		if err != nil {
			return done, err
		}
	}
	return done, nil
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
