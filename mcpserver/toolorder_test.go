package mcpserver_test

import (
	"context"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// tools/list gives the tools in the toolkit's order, the run tool first,
// then new_session, then tools a host added, by name; the SDK alone lists
// them by name, with delete_file first and run_python seventh.
func TestToolsAreListedRunToolFirst(t *testing.T) {
	f := newFixture(t, "", &mcpserver.Options{Toolkit: agenttool.Options{EnableDelete: true}})
	mcp.AddTool(f.srv.MCPServer(), &mcp.Tool{Name: "a_host_tool"}, func(ctx context.Context, req *mcp.CallToolRequest, in struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{}, nil, nil
	})
	cs := f.connect(t, nil)
	list, err := cs.ListTools(testContext(t), nil)
	require.NoError(t, err)
	var names []string
	for _, tool := range list.Tools {
		names = append(names, tool.Name)
	}
	require.Equal(t, []string{
		agenttool.ToolRunPython, agenttool.ToolUploadFile, agenttool.ToolDownloadFile, agenttool.ToolListFiles,
		agenttool.ToolDeleteFile, agenttool.ToolResetSession, agenttool.ToolPoolInfo, mcpserver.ToolNewSession, "a_host_tool",
	}, names)
}
