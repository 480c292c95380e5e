package server

import (
	"io"
	"net/http"
	"time"
)

// DefaultAnswerWriteTimeout is how long a client may take to receive one
// answerChunk of an answer before its connection is closed, when
// Config.AnswerWriteTimeout is zero.
const DefaultAnswerWriteTimeout = 60 * time.Second

// answerChunk is how much of an answer goes out under one write deadline.
// Small enough that a slow reader that keeps reading (4 KiB/s with the
// default timeout) is never cut; large enough that a download still goes
// out in few system calls (sendfile already sends at most 4 MiB per call).
const answerChunk = 256 << 10

// progressWriter is an answer whose connection write deadline moves
// forward for every answerChunk written. Without a write deadline a client
// that stops reading a download (or any answer longer than the socket
// buffers) held the request for ever, and with it the session (which then
// never expired), the open file and a goroutine; once the deadline passes
// the write fails, the handler returns and releases them, and net/http
// closes the connection.
type progressWriter struct {
	http.ResponseWriter
	deadline progressDeadline
}

// Write writes p a chunk at a time, each under a fresh deadline: an answer
// is written in one call (writeJSON), however long it is.
func (w *progressWriter) Write(p []byte) (int, error) {
	written := 0
	for {
		n := min(len(p)-written, answerChunk)
		w.deadline.extend()
		m, err := w.ResponseWriter.Write(p[written : written+n])
		written += m
		if err != nil || written == len(p) {
			return written, err
		}
	}
}

// ReadFrom hands r on a chunk at a time, each under a fresh deadline. A
// LimitedReader (how http.ServeContent sends a file) is unwrapped, so that
// each chunk is a LimitedReader of the file itself, which the connection
// still sends with sendfile; the caller's LimitedReader is kept up to date.
func (w *progressWriter) ReadFrom(r io.Reader) (int64, error) {
	rf, ok := w.ResponseWriter.(io.ReaderFrom)
	if !ok {
		return io.Copy(struct{ io.Writer }{w}, r)
	}
	src := r
	lr, limited := r.(*io.LimitedReader)
	if limited {
		src = lr.R
	}
	var total int64
	for {
		n := int64(answerChunk)
		if limited {
			n = min(n, lr.N)
		}
		if n <= 0 {
			return total, nil
		}
		w.deadline.extend()
		m, err := rf.ReadFrom(&io.LimitedReader{R: src, N: n})
		total += m
		if limited {
			lr.N -= m
		}
		if err != nil || m < n {
			return total, err
		}
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *progressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
