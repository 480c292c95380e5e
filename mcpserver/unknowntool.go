package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seed-f3fa2c9d/azsessions/internal/quoted"
)

// unknownToolPrefix starts the SDK's answer to a call of a tool the server
// does not have: "unknown tool" and the name, quoted.
const unknownToolPrefix = "unknown tool "

// clipUnknownTool is receiving middleware that shortens the SDK's answer to
// a call of a tool the server does not have. The SDK quotes the whole name,
// which a client can make as long as the request (megabytes); the answer
// quotes its head instead, as the toolkit's refusals do. It looks at the
// answer rather than at the name, so tools a host adds through MCPServer
// are found as the SDK finds them.
func clipUnknownTool(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		res, err := next(ctx, method, req)
		call, ok := req.(*mcp.CallToolRequest)
		var rpcErr *jsonrpc.Error
		if !ok || call.Params == nil || !errors.As(err, &rpcErr) ||
			rpcErr.Code != jsonrpc.CodeInvalidParams || !strings.HasPrefix(rpcErr.Message, unknownToolPrefix) {
			return res, err
		}
		name := call.Params.Name
		if short := quoted.Head(name); short != name {
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: fmt.Sprintf("%s%q", unknownToolPrefix, short)}
		}
		return res, err
	}
}
