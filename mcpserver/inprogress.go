package mcpserver

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// answerGrace bounds how long a shutdown, or an HTTP DELETE, waits for the
// calls it stopped to be answered before it closes their connection: the
// SDK's close refuses to write a response once it starts (go-sdk v1.8.0,
// internal/jsonrpc2/conn.go: Connection.write fails when connClosing), so a
// close that comes first leaves the client with no answer. A stopped call
// answers at once; the bound is for one that does not.
const answerGrace = 5 * time.Second

// idleSignal lets goroutines wait until a count of work in progress, which
// its owner keeps under its own lock, falls to zero. Its methods are called
// under that lock.
type idleSignal struct {
	ch chan struct{}
}

// waiter returns a channel closed when the count next falls to zero; the
// count must be above zero.
func (s *idleSignal) waiter() <-chan struct{} {
	if s.ch == nil {
		s.ch = make(chan struct{})
	}
	return s.ch
}

// settle wakes the waiters: the count is zero.
func (s *idleSignal) settle() {
	if s.ch != nil {
		close(s.ch)
		s.ch = nil
	}
}

// waitIdle waits for ch (nil: nothing to wait for), at most answerGrace
// and while ctx lasts.
func waitIdle(ctx context.Context, ch <-chan struct{}) {
	if ch == nil {
		return
	}
	t := time.NewTimer(answerGrace)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	case <-ctx.Done():
	}
}

// sessionPosts counts, per MCP session, the POST requests the SDK's
// streamable handler is serving. A POST that carries a call ends once the
// call's response is written to its stream, so a DELETE that waits for
// them lets the calls it stopped be answered before the SDK closes the
// session.
type sessionPosts struct {
	mu       sync.Mutex
	sessions map[string]*postCount // only sessions with a POST in progress
}

type postCount struct {
	n    int
	idle idleSignal
}

// serve serves r with next, counting it while it lasts if it is a POST of
// an MCP session.
func (p *sessionPosts) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get("Mcp-Session-Id")
	if r.Method != http.MethodPost || id == "" {
		next.ServeHTTP(w, r)
		return
	}
	p.mu.Lock()
	if p.sessions == nil {
		p.sessions = map[string]*postCount{}
	}
	c := p.sessions[id]
	if c == nil {
		c = &postCount{}
		p.sessions[id] = c
	}
	c.n++
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		if c.n--; c.n == 0 {
			c.idle.settle()
			delete(p.sessions, id)
		}
	}()
	next.ServeHTTP(w, r)
}

// wait waits until the session id has no POST in progress, within
// answerGrace and ctx.
func (p *sessionPosts) wait(ctx context.Context, id string) {
	p.mu.Lock()
	var ch <-chan struct{}
	if c := p.sessions[id]; c != nil {
		ch = c.idle.waiter()
	}
	p.mu.Unlock()
	waitIdle(ctx, ch)
}
