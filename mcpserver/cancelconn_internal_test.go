package mcpserver

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scriptConn is an mcp.Connection that reads a script and keeps what is
// written.
type scriptConn struct {
	script  []jsonrpc.Message
	written []jsonrpc.ID
}

func (c *scriptConn) Read(context.Context) (jsonrpc.Message, error) {
	if len(c.script) == 0 {
		return nil, io.EOF
	}
	msg := c.script[0]
	c.script = c.script[1:]
	return msg, nil
}

func (c *scriptConn) Write(_ context.Context, msg jsonrpc.Message) error {
	c.written = append(c.written, msg.(*jsonrpc.Response).ID)
	return nil
}

func (c *scriptConn) Close() error      { return nil }
func (c *scriptConn) SessionID() string { return "" }

// testID is the ID of a request whose id decoded to v.
func testID(t *testing.T, v any) jsonrpc.ID {
	t.Helper()
	id, err := jsonrpc.MakeID(v)
	require.NoError(t, err)
	return id
}

func testCall(t *testing.T, id float64, method string) *jsonrpc.Request {
	t.Helper()
	return &jsonrpc.Request{ID: testID(t, id), Method: method}
}

func testCancel(t *testing.T, id any) *jsonrpc.Request {
	t.Helper()
	params, err := json.Marshal(map[string]any{"requestId": id, "reason": "test"})
	require.NoError(t, err)
	return &jsonrpc.Request{Method: "notifications/cancelled", Params: params}
}

// The connection drops the response to a call the client cancelled while
// it was in flight, and only that: not one cancelled after its answer, not
// initialize, not a later call that reuses the id.
func TestCancelledCallsAreNotAnswered(t *testing.T) {
	ctx := context.Background()
	inner := &scriptConn{script: []jsonrpc.Message{
		testCall(t, 1, "tools/call"),
		testCall(t, 2, "tools/call"),
		testCall(t, 3, "initialize"),
		&jsonrpc.Request{ID: testID(t, "s"), Method: "tools/call"},
		testCancel(t, 1),
		testCancel(t, 3),
		testCancel(t, "s"),
		testCancel(t, 99),
		testCancel(t, nil),
	}}
	c := newCancelAwareConn(inner)
	for range 9 {
		_, err := c.Read(ctx)
		require.NoError(t, err)
	}
	for _, id := range []jsonrpc.ID{testID(t, 1.0), testID(t, 2.0), testID(t, 3.0), testID(t, "s")} {
		require.NoError(t, c.Write(ctx, &jsonrpc.Response{ID: id}))
	}
	assert.Equal(t, []jsonrpc.ID{testID(t, 2.0), testID(t, 3.0)}, inner.written)

	inner.script = []jsonrpc.Message{testCall(t, 1, "tools/call"), testCall(t, 4, "tools/call")}
	inner.written = nil
	for range 2 {
		_, err := c.Read(ctx)
		require.NoError(t, err)
	}
	require.NoError(t, c.Write(ctx, &jsonrpc.Response{ID: testID(t, 4.0)}))
	inner.script = []jsonrpc.Message{testCancel(t, 4)} // after its answer
	_, err := c.Read(ctx)
	require.NoError(t, err)
	require.NoError(t, c.Write(ctx, &jsonrpc.Response{ID: testID(t, 1.0)}))
	assert.Equal(t, []jsonrpc.ID{testID(t, 4.0), testID(t, 1.0)}, inner.written)
	assert.Empty(t, c.inFlight, "nothing kept of answered calls")
}
