package azsessions

import (
	"errors"
	"io"
	"sync"
)

// errTryEnded is what a request body returns to a try that has already
// ended. Only net/http's writer of an abandoned try ever sees it.
var errTryEnded = errors.New("azsessions: this try of the request has ended")

// guardedBody is a streamed request body that azcore rewinds between tries.
//
// net/http may go on reading a try's body after the try has returned: a
// server that answers early (503, 429, 413) ends RoundTrip while the body is
// still being written, and the writer goroutine stops only at its next read.
// Meanwhile the retry policy seeks the body back to the start for the next
// try. Unguarded, the two tries would share one position and interleave
// their reads, sending the second try corrupted bytes. So every try reads
// through its own view (see bodyPolicy), which is cut off when the try ends,
// and seeks wait for a read in progress.
type guardedBody struct {
	mu   sync.Mutex
	body io.ReadSeeker
}

// guardBody wraps body for a request that may be retried. The caller keeps
// ownership of body: Close does not close it.
func guardBody(body io.ReadSeeker) *guardedBody { return &guardedBody{body: body} }

// Read implements io.Reader, for readers outside a try's view: bodyPolicy
// buffering a small body, or a caller's own policy.
func (g *guardedBody) Read(p []byte) (int, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.body.Read(p)
}

// Seek implements io.Seeker.
func (g *guardedBody) Seek(offset int64, whence int) (int64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.body.Seek(offset, whence)
}

// Close implements io.Closer; the body stays open for its owner.
func (g *guardedBody) Close() error { return nil }

// beginTry starts the views of one try, the first of them positioned where
// the retry policy rewound the body.
func (g *guardedBody) beginTry() *bodyTry {
	return &bodyTry{g: g, cur: &tryBody{g: g}}
}

// bodyTry hands out the views of one try.
type bodyTry struct {
	g   *guardedBody
	cur *tryBody // guarded by g.mu
}

// first returns the view the try starts with.
func (t *bodyTry) first() io.ReadCloser { return t.cur }

// getBody implements http.Request.GetBody. net/http calls it to send the
// body again within one try (a redirect, an HTTP/2 connection that went
// away); the previous view is cut off first, for the same reason as between
// tries.
func (t *bodyTry) getBody() (io.ReadCloser, error) {
	t.g.mu.Lock()
	defer t.g.mu.Unlock()
	t.cur.ended = true
	if _, err := t.g.body.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	t.cur = &tryBody{g: t.g}
	return t.cur, nil
}

// end cuts the try's view off: later reads fail instead of moving the
// position the next try reads from.
func (t *bodyTry) end() {
	t.g.mu.Lock()
	t.cur.ended = true
	t.g.mu.Unlock()
}

// tryBody is one view of a guardedBody.
type tryBody struct {
	g     *guardedBody
	ended bool // guarded by g.mu
}

// Read implements io.Reader.
func (v *tryBody) Read(p []byte) (int, error) {
	v.g.mu.Lock()
	defer v.g.mu.Unlock()
	if v.ended {
		return 0, errTryEnded
	}
	return v.g.body.Read(p)
}

// Close implements io.Closer; net/http closes a try's body, which must not
// close the caller's.
func (v *tryBody) Close() error { return nil }
