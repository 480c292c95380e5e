package mcpserver_test

import (
	"context"
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
// progress, so they must be stopped first.
func TestHTTPDeleteStopsARunInProgress(t *testing.T) {
	f := newFixture(t, "", nil)
	ts := serveHTTP(t, f)
	cs, err := connectHTTP(t, ts.URL, testToken)
	require.NoError(t, err)
	code, started := runStarted(t)
	go func() {
		_, _ = cs.CallTool(testContext(t), &mcp.CallToolParams{Name: agenttool.ToolRunPython, Arguments: sleepArgs(code)})
	}()
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
