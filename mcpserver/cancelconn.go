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
type cancelAwareConn struct {
	mcp.Connection

	mu sync.Mutex
	// inFlight holds the client's calls not answered yet: true once the
	// client cancelled it.
	inFlight map[jsonrpc.ID]bool
	// answered wakes waitAnswered when inFlight empties.
	answered idleSignal
}

func newCancelAwareConn(c mcp.Connection) *cancelAwareConn {
	return &cancelAwareConn{Connection: c, inFlight: map[jsonrpc.ID]bool{}}
}

// Read implements mcp.Connection, noting the calls and cancellations that
// pass.
func (c *cancelAwareConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	msg, err := c.Connection.Read(ctx)
	req, ok := msg.(*jsonrpc.Request)
	if err != nil || !ok {
		return msg, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case req.IsCall() && req.Method != "initialize": // which MCP forbids cancelling
		c.inFlight[req.ID] = false
	case req.Method == "notifications/cancelled":
		// Only a call still in flight: one answered already is forgotten,
		// and the map holds no more than the calls in progress.
		if id, ok := cancelledID(req.Params); ok {
			if _, live := c.inFlight[id]; live {
				c.inFlight[id] = true
			}
		}
	}
	return msg, nil
}

// Write implements mcp.Connection, dropping the response to a cancelled
// call.
func (c *cancelAwareConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	if resp, ok := msg.(*jsonrpc.Response); ok {
		c.mu.Lock()
		cancelled := c.inFlight[resp.ID]
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
// answer to a cancelled one dropped), within answerGrace and ctx. A nil c
// has nothing to wait for.
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
