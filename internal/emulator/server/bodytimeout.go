package server

import (
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// DefaultBodyReadTimeout is how long a request body may send nothing before
// its connection is closed, when Config.BodyReadTimeout is zero.
const DefaultBodyReadTimeout = 60 * time.Second

// progressBody is a request body whose connection read deadline moves
// forward on every read. A whole-request ReadTimeout would have to allow
// for the slowest legitimate upload (128 MiB over a slow link takes many
// minutes), which also lets a stalled client hold a connection that long;
// a deadline per read lets a slow upload run as long as it makes progress
// and closes a stalled one after the timeout.
type progressBody struct {
	io.ReadCloser
	timeout     time.Duration
	setDeadline func(time.Time) error
	reads       *atomic.Int64 // counts reads, for tests
	started     atomic.Bool   // the handler has read from the body
}

// withProgressDeadline wraps r's body (when it has one) so that each read
// must receive data within timeout. The handler calls answering before the
// first byte of its answer (its header) goes out, and again when it has
// answered (a handler that writes nothing leaves its answer to net/http):
// answering hands net/http its own body back when the handler has read
// none of it, because net/http decides from the body's type what to do
// with what the handler left unread, and it decides when the header is
// written, which may be before the handler returns (an answer longer
// than its 2 KiB buffer). A body announced with "Expect: 100-continue"
// that the handler never asked for is then not read at all (the answer
// goes out at once and the connection is closed after it); behind the
// wrapper net/http read it before the answer, with no 100 Continue sent
// once the answer had begun, so a client that waits for 100 Continue, as
// it may, waited for ever. A body the handler began to read stays wrapped:
// 100 Continue went out, the client sends the whole body, and net/http
// reads and drops a small unread rest (a one-file upload's closing
// delimiter) and keeps the connection, where its own Expect body would
// make it close the connection. That rest is read under a deadline
// answering sets, so that a client that stalls cannot hold the
// connection: net/http reads it before it writes an answer's header, so
// without one a long answer to a body that never came was never sent.
func withProgressDeadline(w http.ResponseWriter, r *http.Request, timeout time.Duration, reads *atomic.Int64) (answering func()) {
	if r.Body == nil || r.Body == http.NoBody || timeout <= 0 {
		return func() {}
	}
	rc := http.NewResponseController(w)
	own := r.Body
	b := &progressBody{ReadCloser: own, timeout: timeout, setDeadline: rc.SetReadDeadline, reads: reads}
	r.Body = b
	return func() {
		if !b.started.Load() {
			r.Body = own
		}
		_ = rc.SetReadDeadline(time.Now().Add(timeout))
	}
}

func (b *progressBody) Read(p []byte) (int, error) {
	// A writer that cannot set deadlines (a test recorder) answers
	// ErrNotSupported: the body is then read without one.
	b.started.Store(true)
	_ = b.setDeadline(time.Now().Add(b.timeout))
	if b.reads != nil {
		b.reads.Add(1)
	}
	return b.ReadCloser.Read(p)
}
