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
}

// withProgressDeadline wraps r's body (when it has one) so that each read
// must receive data within timeout.
func withProgressDeadline(w http.ResponseWriter, r *http.Request, timeout time.Duration, reads *atomic.Int64) {
	if r.Body == nil || r.Body == http.NoBody || timeout <= 0 {
		return
	}
	rc := http.NewResponseController(w)
	r.Body = &progressBody{ReadCloser: r.Body, timeout: timeout, setDeadline: rc.SetReadDeadline, reads: reads}
}

func (b *progressBody) Read(p []byte) (int, error) {
	// A writer that cannot set deadlines (a test recorder) answers
	// ErrNotSupported: the body is then read without one.
	_ = b.setDeadline(time.Now().Add(b.timeout))
	if b.reads != nil {
		b.reads.Add(1)
	}
	return b.ReadCloser.Read(p)
}
