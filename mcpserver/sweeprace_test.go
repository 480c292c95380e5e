package mcpserver

import (
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A call on a handle that the idle sweep has taken but not yet deleted (the
// sweep deletes one sandbox after another, so the last of many waits its
// turn) must wait for the deletion: run first, it would use the old sandbox
// while telling the model it started in an empty one, and the deletion that
// followed would take what that call wrote.
func TestCallOnAHandleBeingSweptWaitsForTheDeletion(t *testing.T) {
	srv, ctx := newTestServer(t, &Options{HandleIdleTimeout: time.Hour})
	cs := connectInMemory(ctx, t, srv)
	handle := handleAfterRun(ctx, t, cs, "kept = 1")

	waiting := make(chan struct{}, 1)
	srv.sessions.sweepWaitHook = func() { waiting <- struct{}{} }
	idle := srv.sessions.idleHandles(time.Now().Add(2 * time.Hour)) // taken, not yet deleted
	require.Len(t, idle, 1)

	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": "print('kept' in dir())", "session": handle}})
		if err != nil {
			done <- result{err: err}
			return
		}
		done <- result{text: res.Content[0].(*mcp.TextContent).Text}
	}()
	select {
	case <-waiting: // the call waits for the sweep: finish it
	case r := <-done:
		t.Fatalf("the call ran in the sandbox being deleted: %v %s", r.err, r.text)
	}
	srv.closeIdle(idle[0])
	r := <-done
	require.NoError(t, r.err)
	assert.Contains(t, r.text, "This handle's sandbox was deleted after 60 minutes without calls")
	assert.Contains(t, r.text, "False", "the call started in an empty sandbox, as it says")
}
