package mcpserver

import (
	"bytes"
	"context"
	"log/slog"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/testenv"
)

// Servers that share HandleKey and the toolkit's Key accept each other's
// handles (replicas behind one address, or a restarted process): a file a
// call wrote through one is readable as a resource through the other, as
// the other's tools can read it, rather than "not found".
func TestResourceReadOfAHandleIssuedByAnotherServer(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		testenv.Missing(t, "python3", "apt-get install python3")
	}
	client := emulator.NewForTest(t, nil)
	opts := func() *Options {
		return &Options{
			HandleKey: bytes.Repeat([]byte{7}, 32),
			Toolkit:   agenttool.Options{Key: bytes.Repeat([]byte{9}, 32)},
			Logger:    slog.New(slog.DiscardHandler),
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	var clients []*mcp.ClientSession
	for range 2 {
		srv, err := New(client, opts())
		require.NoError(t, err)
		t.Cleanup(func() { _ = srv.Close(context.Background()) })
		clients = append(clients, connectInMemory(ctx, t, srv))
	}
	handle := handleAfterRun(ctx, t, clients[0], "open('/mnt/data/shared.txt', 'w').write('from A')")

	read, err := clients[1].ReadResource(ctx, &mcp.ReadResourceParams{URI: sessionPrefix + handle + "/files/shared.txt"})
	require.NoError(t, err, "the other server's tools see the file, so must its resources")
	assert.Equal(t, "from A", read.Contents[0].Text)
	res, err := clients[1].CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": "print(open('/mnt/data/shared.txt').read())", "session": handle}})
	require.NoError(t, err)
	assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, "from A")
	assert.NotContains(t, res.Content[0].(*mcp.TextContent).Text, "deleted after")
}

// A resource read of a handle whose idle sandbox the sweep has taken but
// not yet deleted neither reads the sandbox being deleted (its file is
// still there) nor registers the handle again, which would take away the
// note its next call gets: the read finds no file, and the next call says
// it started in an empty sandbox. A read after the deletion is the same.
func TestResourceReadOnAHandleBeingSweptFindsNothing(t *testing.T) {
	srv, ctx := newTestServer(t, &Options{HandleIdleTimeout: time.Hour})
	cs := connectInMemory(ctx, t, srv)
	handle := handleAfterRun(ctx, t, cs, "open('/mnt/data/old.txt', 'w').write('old')")
	uri := sessionPrefix + handle + "/files/old.txt"

	idle := srv.sessions.idleHandles(time.Now().Add(2 * time.Hour)) // taken, not yet deleted
	require.Len(t, idle, 1)
	_, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
	require.Error(t, err, "the sandbox is being deleted")
	assert.Contains(t, strings.ToLower(err.Error()), "not found")
	srv.closeIdle(idle[0])
	_, err = cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
	require.Error(t, err, "the sandbox is deleted")
	assert.Contains(t, strings.ToLower(err.Error()), "not found")

	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": "import os\nprint(os.listdir('/mnt/data'))", "session": handle}})
	require.NoError(t, err)
	text := res.Content[0].(*mcp.TextContent).Text
	assert.Contains(t, text, "This handle's sandbox was deleted after 60 minutes without calls")
	assert.Contains(t, text, "[]")
}

// handleAfterRun returns a new handle after running code in its sandbox.
func handleAfterRun(ctx context.Context, t *testing.T, cs *mcp.ClientSession, code string) string {
	t.Helper()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolNewSession})
	require.NoError(t, err)
	handle := res.StructuredContent.(map[string]any)["session"].(string)
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": code, "session": handle}})
	require.NoError(t, err)
	require.False(t, res.IsError, res.Content[0].(*mcp.TextContent).Text)
	return handle
}
