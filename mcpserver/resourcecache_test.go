package mcpserver_test

import (
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// TestFileReadsAreNotForSharedCaches checks the cache hints of a file read:
// azsessions://files/a.txt is a different file on every connection, and a
// handle's files belong to whoever holds the handle, so no cache may serve
// one client's read to another ("private"), and a file can change with the
// next call (ttlMs 0). The SDK's default is "public".
func TestFileReadsAreNotForSharedCaches(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	ctx := testContext(t)

	res := call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": "a.txt", "content": "mine"})
	require.False(t, res.IsError, text(res))
	handle := call(t, cs, mcpserver.ToolNewSession, nil).StructuredContent.(map[string]any)["session"].(string)
	res = call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": "b.txt", "content": "the handle's", "session": handle})
	require.False(t, res.IsError, text(res))

	for _, uri := range []string{mcpserver.FileURI("", "a.txt"), mcpserver.FileURI(handle, "b.txt")} {
		got, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
		require.NoError(t, err, uri)
		assert.Equal(t, "private", got.CacheScope, uri)
		assert.Zero(t, got.TTLMs, uri)
	}
}
