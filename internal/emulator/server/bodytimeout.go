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

// progressDeadline is one direction of a connection (reading the request
// or writing the answer) whose deadline moves forward each time the
// request makes progress that way. A whole-request deadline would have to
// allow for the slowest legitimate transfer (128 MiB over a slow link
// takes many minutes), which also lets a stalled client hold a connection
// that long; a deadline per step lets a slow transfer run as long as it
// makes progress and cuts a stalled one after timeout.
type progressDeadline struct {
	timeout time.Duration
	set     func(time.Time) error // http.ResponseController's setter
	moves   *atomic.Int64         // counts moves, for tests (may be nil)
}

// extend gives the next step the whole timeout.
func (d progressDeadline) extend() {
	if d.timeout <= 0 || d.set == nil {
		return
	}
	// A writer that cannot set deadlines (a test recorder) answers
	// ErrNotSupported: the step then goes without one.
	_ = d.set(time.Now().Add(d.timeout))
	if d.moves != nil {
		d.moves.Add(1)
	}
}

// progressBody is a request body whose connection read deadline moves
// forward on every read.
type progressBody struct {
	io.ReadCloser
	read    progressDeadline
	write   progressDeadline // moved on the first read, see Read
	started atomic.Bool      // the handler has read from the body
}

// withProgressDeadline wraps r's body (when it has one) so that each read
// must receive data within read's timeout. The handler calls answering
// before the first byte of its answer (its header) goes out, and again
// when it has answered (a handler that writes nothing leaves its answer to
// net/http): answering hands net/http its own body back when the handler
// has read none of it, because net/http decides from the body's type what
// to do with what the handler left unread, and it decides when the header
// is written, which may be before the handler returns (an answer longer
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
func withProgressDeadline(r *http.Request, read, write progressDeadline) (answering func()) {
	if r.Body == nil || r.Body == http.NoBody || read.timeout <= 0 {
		return func() {}
	}
	own := r.Body
	b := &progressBody{ReadCloser: own, read: read, write: write}
	r.Body = b
	return func() {
		if !b.started.Load() {
			r.Body = own
		}
		_ = read.set(time.Now().Add(read.timeout))
	}
}

func (b *progressBody) Read(p []byte) (int, error) {
	if b.started.CompareAndSwap(false, true) {
		// net/http writes "100 Continue" in the first read, however late
		// the handler makes it: that write needs a live deadline too.
		b.write.extend()
	}
	b.read.extend()
	return b.ReadCloser.Read(p)
}
