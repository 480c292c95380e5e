package mcpserver

import (
	"context"
	"slices"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// toolOrder ranks the server's tools as the toolkit orders its definitions
// (the run tool first, then the file tools, reset_session, pool_info), then
// new_session.
func toolOrder(defs []string) map[string]int {
	order := map[string]int{}
	for i, name := range append(defs, ToolNewSession) {
		order[name] = i
	}
	return order
}

// orderTools is receiving middleware that lists the tools in the server's
// order. The SDK (v1.8.0, with no option for it) lists them by name, which
// put delete_file, download_file and list_files before the run tool; hosts
// show a model the tools in the order listed, and the run tool, the one a
// model should reach for first, is the toolkit's first definition. Tools a
// host added through MCPServer follow, by name. Only a whole list is
// reordered: with a page size the SDK's cursors follow its own order.
func orderTools(order map[string]int) mcp.Middleware {
	rank := func(t *mcp.Tool) int {
		if r, ok := order[t.Name]; ok {
			return r
		}
		return len(order)
	}
	return func(next mcp.MethodHandler) mcp.MethodHandler {
		return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
			res, err := next(ctx, method, req)
			list, ok := res.(*mcp.ListToolsResult)
			if !ok || list.NextCursor != "" {
				return res, err
			}
			if r, ok := req.(*mcp.ListToolsRequest); ok && r.Params != nil && r.Params.Cursor != "" {
				return res, err
			}
			slices.SortStableFunc(list.Tools, func(a, b *mcp.Tool) int { return rank(a) - rank(b) })
			return res, err
		}
	}
}
