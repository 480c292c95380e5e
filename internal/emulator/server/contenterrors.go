package server

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// contentErrorWriter turns the error answers http.ServeContent writes
// itself (416 for a range past the file's end, 412 for a failed
// precondition, 500 for a file it could not seek) into the API's JSON
// errors: it holds such a status, takes the text ServeContent writes after
// it as the message, and finish writes the error. Everything else passes through, ReadFrom included, so that
// downloads keep sendfile.
type contentErrorWriter struct {
	http.ResponseWriter
	status int // an error status held back, or 0
	msg    strings.Builder
}

func (w *contentErrorWriter) WriteHeader(code int) {
	if code < http.StatusBadRequest || w.status != 0 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.status = code
}

func (w *contentErrorWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		return w.ResponseWriter.Write(p)
	}
	if w.msg.Len() < 1024 {
		w.msg.Write(p)
	}
	return len(p), nil
}

func (w *contentErrorWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status != 0 {
		return io.Copy(io.Discard, r)
	}
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{w.ResponseWriter}, r)
}

func (w *contentErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish writes the error held back, if any.
func (w *contentErrorWriter) finish() {
	if w.status == 0 {
		return
	}
	var code string
	switch w.status {
	case http.StatusRequestedRangeNotSatisfiable:
		code = CodeRangeNotSatisfiable
	case http.StatusPreconditionFailed:
		code = CodePreconditionFailed
	default:
		code = CodeInternal // a file ServeContent could not seek
	}
	msg := strings.TrimSpace(w.msg.String())
	if msg == "" {
		msg = strings.ToLower(http.StatusText(w.status))
	}
	w.Header().Del("X-Content-Type-Options")
	writeError(w.ResponseWriter, newError(w.status, code, "%s", msg))
}

// serveContent serves f, named name and modified at mod, as
// http.ServeContent does (ranges, conditional requests), with its error
// answers in the API's shape.
func (c *call) serveContent(name string, mod time.Time, f io.ReadSeeker) {
	w := &contentErrorWriter{ResponseWriter: c.w}
	http.ServeContent(w, c.r, name, mod, f)
	w.finish()
}
