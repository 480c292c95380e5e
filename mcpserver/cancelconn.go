package mcpserver

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// cancelAwareConn drops the response to a request the client cancelled.
// MCP says the receiver of notifications/cancelled should not answer the
// request; the SDK's jsonrpc2 layer answers every call all the same
// (go-sdk v1.8.0, internal/jsonrpc2/conn.go, Connection.processResult,
// reached from handleAsync), with the handler's error, which for a
// cancelled call is context.Canceled: a response with code 0 ("context
// canceled"), since toWireError gives an error that is not a WireError no
// code.
//
// It also holds back the end of the client's input until the calls read
// before it are answered: the SDK, on the end of its input, cancels the
// calls in progress and closes the connection, output included, so a client
// that closed the server's stdin (as MCP's stdio shutdown does, or a shell's
// `printf ... | azsessions-mcp`) got no answer to requests it had sent.
type cancelAwareConn struct {
	mcp.Connection

	mu sync.Mutex
	// inFlight holds the client's calls not answered yet, and their state.
	inFlight map[jsonrpc.ID]callState
	// answered wakes waitAnswered when inFlight empties.
	answered idleSignal

	inputEnded   chan struct{} // closed when the client's input ends
	inputEndOnce sync.Once
	closed       chan struct{} // closed by Close
	closeOnce    sync.Once
}

// callState is what cancelAwareConn knows of a call in flight.
type callState int

const (
	callLive          callState = iota
	callCancelled               // the client cancelled it: drop its answer
	callUncancellable           // initialize, which MCP forbids cancelling
)

func newCancelAwareConn(c mcp.Connection) *cancelAwareConn {
	return &cancelAwareConn{
		Connection: c,
		inFlight:   map[jsonrpc.ID]callState{},
		inputEnded: make(chan struct{}),
		closed:     make(chan struct{}),
	}
}

// Read implements mcp.Connection, noting the calls and cancellations that
// pass. When the client's input ends, it says so (inputEnd) and waits for
// the calls in flight to be answered, within answerGrace, before it
// passes the end on.
func (c *cancelAwareConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	msg, err := c.Connection.Read(ctx)
	if err != nil {
		select {
		case <-c.closed: // the server closes: nothing to wait for
		default:
			if ctx.Err() == nil {
				c.inputEndOnce.Do(func() { close(c.inputEnded) })
				c.waitAnswered(ctx)
			}
		}
		return msg, err
	}
	req, ok := msg.(*jsonrpc.Request)
	if !ok {
		return msg, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case req.IsCall() && req.Method == "initialize":
		c.inFlight[req.ID] = callUncancellable
	case req.IsCall():
		c.inFlight[req.ID] = callLive
	case req.Method == "notifications/cancelled":
		// Only a call still in flight: one answered already is forgotten,
		// and the map holds no more than the calls in progress.
		if id, ok := cancelledID(req.Params); ok {
			if st, live := c.inFlight[id]; live && st == callLive {
				c.inFlight[id] = callCancelled
			}
		}
	}
	return msg, nil
}

// inputEnd is closed when the client's input ends; nil for a nil c, which
// never ends.
func (c *cancelAwareConn) inputEnd() <-chan struct{} {
	if c == nil {
		return nil
	}
	return c.inputEnded
}

// Close implements mcp.Connection; a Read waiting for answers stops
// waiting.
func (c *cancelAwareConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Connection.Close()
}

// Write implements mcp.Connection, dropping the response to a cancelled
// call.
func (c *cancelAwareConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	if resp, ok := msg.(*jsonrpc.Response); ok {
		c.mu.Lock()
		cancelled := c.inFlight[resp.ID] == callCancelled
		delete(c.inFlight, resp.ID)
		if len(c.inFlight) == 0 {
			c.answered.settle()
		}
		c.mu.Unlock()
		if cancelled {
			return nil
		}
	}
	return c.Connection.Write(ctx, msg)
}

// waitAnswered waits until every call read so far has been answered (the
// answer to a cancelled one dropped), within answerGrace and ctx, and
// until Close. A nil c has nothing to wait for.
func (c *cancelAwareConn) waitAnswered(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	var ch <-chan struct{}
	if len(c.inFlight) > 0 {
		ch = c.answered.waiter()
	}
	c.mu.Unlock()
	if ch == nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-c.closed:
			cancel()
		case <-ctx.Done():
		}
	}()
	waitIdle(ctx, ch)
}

// cancelledID is the request a notifications/cancelled names, made into an
// ID as the SDK makes the ids of requests.
func cancelledID(params json.RawMessage) (jsonrpc.ID, bool) {
	var p struct {
		RequestID any `json:"requestId"`
	}
	if json.Unmarshal(params, &p) != nil || p.RequestID == nil {
		return jsonrpc.ID{}, false
	}
	id, err := jsonrpc.MakeID(p.RequestID)
	return id, err == nil
}
