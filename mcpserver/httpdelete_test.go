package mcpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// A client that ends its MCP session (HTTP DELETE) while a run sleeps for
// 100 s gets its 204 at once, and the session's sandbox is deleted, well
// before the run would have ended: the SDK's close waits for the calls in
// progress, so they must be stopped first. The stopped call is answered, on
// its own stream, with an isError result saying why: the SDK's close drops
// responses, and a TypeScript SDK client that ended its session with a
// call in flight waited for that call until its request timeout.
func TestHTTPDeleteStopsARunInProgress(t *testing.T) {
	f := newFixture(t, "", nil)
	ts := serveHTTP(t, f)
	cs, err := connectHTTP(t, ts.URL, testToken)
	require.NoError(t, err)
	code, started := runStarted(t)
	// The call is posted by hand, as a TypeScript client would: the SDK's
	// client fails every call when the DELETE ends its standalone stream,
	// whether their answers came or not.
	stream := postCall(t, ts.URL, cs, agenttool.ToolRunPython, sleepArgs(code))
	started()
	ids := f.liveSessions(t)
	require.Len(t, ids, 1)

	// A hang guard well short of the run's 100 s.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, ts.URL, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Mcp-Session-Id", cs.ID())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err, "the DELETE waited for the run")
	resp.Body.Close()
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	f.logs.waitFor(t, "MCP session ended; sandbox deleted", "session", ids[0])
	assert.Empty(t, f.liveSessions(t))
	require.NoError(t, ctx.Err(), "the sandbox was deleted only after the run")
	body := <-stream
	assert.Contains(t, body, `"isError":true`, "the stopped call got no answer")
	assert.Contains(t, body, "ended its MCP session")
}

// postCall posts a tools/call to cs's MCP session on its own HTTP request
// and returns a channel that gets the body of the request's event stream
// once it ends.
func postCall(t *testing.T, url string, cs *mcp.ClientSession, tool string, args map[string]any) <-chan string {
	t.Helper()
	msg, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1000, "method": "tools/call", "params": map[string]any{"name": tool, "arguments": args}})
	require.NoError(t, err)
	req, err := http.NewRequestWithContext(testContext(t), http.MethodPost, url, bytes.NewReader(msg))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Mcp-Session-Id", cs.ID())
	req.Header.Set("Mcp-Protocol-Version", cs.InitializeResult().ProtocolVersion)
	body := make(chan string, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			body <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		body <- string(b)
	}()
	return body
}

// A DELETE the SDK refuses (for a protocol version header it does not
// serve, or a Host header a loopback listener does not accept) ends
// nothing: the session and its sandbox go on, and its next call runs,
// rather than being 'stopped: the client ended its MCP session'.
func TestHTTPRefusedDeleteLeavesTheSessionWorking(t *testing.T) {
	for _, c := range []struct {
		name, header, value string
		status              int
	}{
		{"protocol version", "Mcp-Protocol-Version", "1999-01-01", http.StatusBadRequest},
		{"host", "Host", "evil.example", http.StatusForbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, "", nil)
			ts := serveHTTP(t, f)
			cs, err := connectHTTP(t, ts.URL, testToken)
			require.NoError(t, err)
			call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "x = 41"})

			req, err := http.NewRequestWithContext(testContext(t), http.MethodDelete, ts.URL, nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+testToken)
			req.Header.Set("Mcp-Session-Id", cs.ID())
			if c.header == "Host" {
				req.Host = c.value
			} else {
				req.Header.Set(c.header, c.value)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, c.status, resp.StatusCode, "the SDK refuses the DELETE")

			res := call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "x + 1"})
			assert.False(t, res.IsError, "the session still works: %s", text(res))
			assert.Contains(t, text(res), "42")
			assert.Len(t, f.liveSessions(t), 1)
		})
	}
}
