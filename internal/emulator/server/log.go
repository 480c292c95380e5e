package server

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// requestLogger writes one line per request. It logs the method, the path
// (escaped) without its query string (which carries identifiers and could carry
// secrets in a user's own tests), the status and the duration: never
// bodies, headers or tokens.
type requestLogger struct {
	mu  sync.Mutex
	out io.Writer
}

func newRequestLogger(out io.Writer) *requestLogger { return &requestLogger{out: out} }

// wrap wraps w for the request's log line; answering runs before the
// answer's first byte is written.
func (l *requestLogger) wrap(w http.ResponseWriter, answering func()) *statusWriter {
	return &statusWriter{ResponseWriter: w, start: time.Now(), answering: answering}
}

func (l *requestLogger) done(w *statusWriter, r *http.Request) {
	if l.out == nil {
		return
	}
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	// The path as it travels in a URL, escaped: unescaped, a name holding a
	// line break would forge log lines, and an escape sequence would reach
	// the terminal.
	line := fmt.Sprintf("%s %s %s %d %s\n", time.Now().UTC().Format(time.RFC3339), r.Method, r.URL.EscapedPath(), status, time.Since(w.start).Round(time.Microsecond))
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = io.WriteString(l.out, line)
}

// statusWriter records the status code for the log line. It forwards
// ReadFrom so that file downloads keep the connection's fast path
// (sendfile), and Unwrap so http.ResponseController reaches the connection.
type statusWriter struct {
	http.ResponseWriter
	status    int
	start     time.Time
	answering func() // run once, before the first write
}

// begin records status as the answer's, if it is the first.
func (w *statusWriter) begin(status int) {
	if w.status == 0 {
		w.status = status
		w.answering()
	}
}

func (w *statusWriter) WriteHeader(code int) {
	w.begin(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	w.begin(http.StatusOK)
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	w.begin(http.StatusOK)
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{w.ResponseWriter}, r)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
