package server

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// requestLogger writes one line per request. It logs the method, the path
// (escaped) without its query string (which carries identifiers and could carry
// secrets in a user's own tests), the status and the duration: never
// bodies, headers or tokens.
//
// Lines go out through a goroutine of their own, started when a line
// comes and ending once none waits, so that a writer that blocks (stderr
// piped to a reader that stopped reading) stalls no request. While it
// blocks, lines wait up to limit bytes; past that they are dropped, and
// how many is logged once the writer takes lines again.
type requestLogger struct {
	out io.Writer
	// limit is how many bytes of lines may wait for the writer; a line
	// always fits when none waits. New sets it, tests lower it.
	limit int

	mu      sync.Mutex
	queue   []string      // lines waiting for the writer, oldest first
	queued  int           // their bytes
	dropped int           // lines dropped since the writer last took lines
	idle    chan struct{} // closed when the running writer ends; nil when none runs

	// droppedLines counts every line dropped, for tests.
	droppedLines atomic.Int64
}

// maxQueuedLog is the default requestLogger.limit: about ten thousand
// lines, a few seconds of a busy emulator's requests.
const maxQueuedLog = 1 << 20

// logCloseGrace is how long Close waits for the waiting lines to be
// written: a writer that stays blocked does not hold the shutdown.
const logCloseGrace = 2 * time.Second

func newRequestLogger(out io.Writer) *requestLogger {
	return &requestLogger{out: out, limit: maxQueuedLog}
}

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
	l.log(fmt.Sprintf("%s %s %s %d %s\n", time.Now().UTC().Format(time.RFC3339), r.Method, r.URL.EscapedPath(), status, time.Since(w.start).Round(time.Microsecond)))
}

// log queues line for the writer, starting it if none runs, or drops
// the line when the waiting ones already fill the limit.
func (l *requestLogger) log(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.queue) > 0 && l.queued+len(line) > l.limit {
		l.dropped++
		l.droppedLines.Add(1)
		return
	}
	l.queue = append(l.queue, line)
	l.queued += len(line)
	if l.idle == nil {
		l.idle = make(chan struct{})
		go l.write(l.idle)
	}
}

// write writes the waiting lines, one Write each as before, until none
// waits, then closes idle. Lines were dropped only while the ones taken
// here waited, so the note of how many comes after them.
func (l *requestLogger) write(idle chan struct{}) {
	defer close(idle)
	for {
		l.mu.Lock()
		lines, dropped := l.queue, l.dropped
		l.queue, l.queued, l.dropped = nil, 0, 0
		if len(lines) == 0 && dropped == 0 {
			l.idle = nil
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		for _, line := range lines {
			_, _ = io.WriteString(l.out, line)
		}
		if dropped > 0 {
			_, _ = fmt.Fprintf(l.out, "%s %d log lines dropped: the log's writer was blocked\n", time.Now().UTC().Format(time.RFC3339), dropped)
		}
	}
}

// flush waits until no line waits for the writer, or until grace has
// passed (zero: no bound), and reports whether none waits.
func (l *requestLogger) flush(grace time.Duration) bool {
	l.mu.Lock()
	idle := l.idle
	l.mu.Unlock()
	if idle == nil {
		return true
	}
	var expired <-chan time.Time
	if grace > 0 {
		t := time.NewTimer(grace)
		defer t.Stop()
		expired = t.C
	}
	select {
	case <-idle:
		return true
	case <-expired:
		return false
	}
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
