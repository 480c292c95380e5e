package mcpserver_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// sleepArgs runs code with a timeout far beyond the test's own deadlines,
// so only a stopped run can end in time.
func sleepArgs(code string) map[string]any {
	return map[string]any{"code": code, "timeout_seconds": 210}
}

// TestCloseStopsARunInProgress closes the Server while a run sleeps for
// 100 s: Close ends the call, the client gets an isError result saying the
// server is shutting down, and the sandbox is deleted, well before the run
// would have ended.
func TestCloseStopsARunInProgress(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	answered := sleepingCall(t, cs)
	require.Len(t, f.liveSessions(t), 1)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	require.NoError(t, f.srv.Close(ctx))
	require.NoError(t, ctx.Err(), "Close waited for the run")
	assert.Empty(t, f.liveSessions(t), "the sandbox is deleted")
	select {
	case a := <-answered:
		require.NoError(t, a.err)
		assert.True(t, a.res.IsError)
		assert.Contains(t, text(a.res), "shutting down")
	case <-ctx.Done():
		t.Fatal("the call was not answered")
	}
}

// TestRunEndsPromptlyDuringARun cancels the context of Server.Run while a
// run of its connection sleeps for 100 s: Run returns, and the sandbox is
// deleted, well before the run would have ended.
func TestRunEndsPromptlyDuringARun(t *testing.T) {
	f := newFixture(t, "", nil)
	serverT, clientT := mcp.NewInMemoryTransports()
	runCtx, stop := context.WithCancel(context.Background())
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- f.srv.Run(runCtx, serverT) }()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(testContext(t), clientT, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })

	code, started := runStarted(t)
	go func() {
		_, _ = cs.CallTool(testContext(t), &mcp.CallToolParams{Name: agenttool.ToolRunPython, Arguments: sleepArgs(code)})
	}()
	started()
	ids := f.liveSessions(t)
	require.Len(t, ids, 1)

	stop()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	select {
	case err := <-ran:
		assert.ErrorIs(t, err, context.Canceled)
	case <-ctx.Done():
		t.Fatal("Run waited for the run")
	}
	f.logs.waitFor(t, "MCP session ended; sandbox deleted", "session", ids[0])
	assert.Empty(t, f.liveSessions(t))
}

// TestRunAnswersTheCallsItStops ends the context of Server.Run, over the
// stdio transport, while a call sleeps for 100 s: the client, still
// connected, gets the isError result saying the server is shutting down
// before the connection closes. The SDK's Close refuses to write any
// response once it starts, so Run must wait for the answers first; a
// TypeScript SDK client otherwise saw only "Connection closed".
func TestRunAnswersTheCallsItStops(t *testing.T) {
	f := newFixture(t, "", nil)
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	t.Cleanup(func() { _ = inW.Close(); _ = outR.Close() })
	runCtx, stop := context.WithCancel(context.Background())
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- f.srv.Run(runCtx, &mcpserver.IOTransport{Reader: inR, Writer: outW}) }()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, nil).Connect(testContext(t), &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })

	answered := sleepingCall(t, cs)
	stop()
	a := <-answered
	require.NoError(t, a.err, "the call got no answer")
	assert.True(t, a.res.IsError)
	assert.Contains(t, text(a.res), "shutting down")
	assert.ErrorIs(t, <-ran, context.Canceled)
}

// callAnswer is what a CallTool made in another goroutine returned.
type callAnswer struct {
	res *mcp.CallToolResult
	err error
}

// sleepingCall calls run_python on cs with code that sleeps for 100 s and
// returns, once the run is under way, a channel that gets the call's answer.
func sleepingCall(t *testing.T, cs *mcp.ClientSession) <-chan callAnswer {
	t.Helper()
	code, started := runStarted(t)
	answered := make(chan callAnswer, 1)
	go func() {
		res, err := cs.CallTool(testContext(t), &mcp.CallToolParams{Name: agenttool.ToolRunPython, Arguments: sleepArgs(code)})
		answered <- callAnswer{res, err}
	}()
	started()
	return answered
}
