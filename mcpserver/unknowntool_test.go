package mcpserver_test

import (
	"context"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A call of a tool the server does not have is a JSON-RPC error quoting the
// head of the name (200 characters), not all of it: a client that sent
// megabytes as the name does not get them back. A tool the host added
// through MCPServer is still found.
func TestUnknownToolNameIsClipped(t *testing.T) {
	f := newFixture(t, "", nil)
	f.srv.MCPServer().AddTool(&mcp.Tool{Name: "host_tool", InputSchema: map[string]any{"type": "object"}},
		func(context.Context, *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "host"}}}, nil
		})
	cs := f.connect(t, nil)
	ctx := testContext(t)

	long := "run_" + strings.Repeat("x", 100_000)
	_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: long, Arguments: map[string]any{}})
	require.Error(t, err)
	// Lengths first, so that a failure does not print the name either.
	require.Less(t, len(err.Error()), 400, "the whole name is echoed")
	assert.Contains(t, err.Error(), `unknown tool "`+long[:200]+`..."`)

	_, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "no_such_tool", Arguments: map[string]any{}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown tool "no_such_tool"`, "a short name is quoted whole")

	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "host_tool", Arguments: map[string]any{}})
	require.NoError(t, err)
	assert.Equal(t, "host", res.Content[0].(*mcp.TextContent).Text)
}
