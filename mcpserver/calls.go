package mcpserver

import (
	"context"
	"errors"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// errShuttingDown is the cause of a call's context ending because its
// connection or the Server is closing.
var errShuttingDown = errors.New("the server is shutting down")

// errSessionEnded is the cause of a call's context ending because its client
// ended the MCP session (an HTTP DELETE).
var errSessionEnded = errors.New("the client ended its MCP session")

// connection is what the Server keeps of one MCP session while it lasts:
// a context its calls' contexts follow, so closing the connection ends
// them.
type connection struct {
	ctx context.Context
	end context.CancelCauseFunc
	// sessionEnded is closed once the goroutine that watches the
	// connection has ended its session (deleted its sandbox, if it had
	// one); nil for the Server's own.
	sessionEnded chan struct{}
}

// connection returns ss's connection, made (and watched until ss ends) on
// first use. A nil ss has the Server's own.
func (s *Server) connection(ss *mcp.ServerSession) *connection {
	if ss == nil {
		return &connection{ctx: s.shutdown, end: func(error) {}}
	}
	s.connMu.Lock()
	defer s.connMu.Unlock()
	if c, ok := s.conns[ss]; ok {
		return c
	}
	ctx, end := context.WithCancelCause(s.shutdown)
	c := &connection{ctx: ctx, end: end, sessionEnded: make(chan struct{})}
	s.conns[ss] = c
	go func() {
		defer close(c.sessionEnded)
		_ = ss.Wait()
		end(errShuttingDown)
		s.connMu.Lock()
		delete(s.conns, ss)
		s.connMu.Unlock()
		s.endSession(context.Background(), ss)
	}()
	return c
}

// callContext returns the context a call runs with: ctx (the request's,
// which the client's cancellation ends), also ended when ss's connection
// or the Server closes. stop releases it.
func (s *Server) callContext(ctx context.Context, ss *mcp.ServerSession) (context.Context, context.CancelFunc) {
	conn := s.connection(ss)
	callCtx, cancel := context.WithCancelCause(ctx)
	stopAfter := context.AfterFunc(conn.ctx, func() { cancel(context.Cause(conn.ctx)) })
	return callCtx, func() {
		stopAfter()
		cancel(context.Canceled)
	}
}

// shuttingDown reports whether ctx ended because the server or the
// connection is closing, rather than because the client cancelled.
func shuttingDown(ctx context.Context) bool {
	cause := context.Cause(ctx)
	return errors.Is(cause, errShuttingDown) || errors.Is(cause, errSessionEnded)
}

// endSessionCalls stops the calls in progress of the MCP session whose id is
// id, if it has any, with cause.
func (s *Server) endSessionCalls(id string, cause error) {
	s.connMu.Lock()
	defer s.connMu.Unlock()
	for ss, c := range s.conns {
		if ss.ID() == id {
			c.end(cause)
		}
	}
}
