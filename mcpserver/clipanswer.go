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

// resourceNotFound is the SDK's resource-not-found error, whose message
// tells it from the server's other invalid-params answers (they share the
// code since SDK v1.7.0, unless MCPGODEBUG restores the old one).
var resourceNotFound = func() *jsonrpc.Error {
	var e *jsonrpc.Error
	if !errors.As(mcp.ResourceNotFoundError(""), &e) {
		return &jsonrpc.Error{}
	}
	return e
}()

// clipAnswers is receiving middleware that shortens the SDK's answers that
// quote a whole name from the request, which a client can make as long as
// the request (megabytes): they quote its head instead, as every other
// refusal of the server does. It looks at the answers rather than at the
// names, so tools a host adds through MCPServer are found as the SDK finds
// them.
func clipAnswers(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		res, err := next(ctx, method, req)
		var rpcErr *jsonrpc.Error
		if !errors.As(err, &rpcErr) {
			return res, err
		}
		if clipped := clippedAnswer(req, rpcErr); clipped != nil {
			return nil, clipped
		}
		return res, err
	}
}

// clippedAnswer is e, the answer to req, quoting the head of the name it
// quotes, or nil when e needs no clipping: a call of a tool the server does
// not have (the SDK quotes the name) and a resources/read of a resource not
// found (the SDK's error, whether the SDK answers it or readResource does,
// quotes the URI in its data).
func clippedAnswer(req mcp.Request, e *jsonrpc.Error) error {
	switch req := req.(type) {
	case *mcp.CallToolRequest:
		if req.Params == nil || e.Code != jsonrpc.CodeInvalidParams || !strings.HasPrefix(e.Message, unknownToolPrefix) {
			return nil
		}
		if short := quoted.Head(req.Params.Name); short != req.Params.Name {
			return &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: fmt.Sprintf("%s%q", unknownToolPrefix, short)}
		}
	case *mcp.ReadResourceRequest:
		if req.Params == nil || e.Code != resourceNotFound.Code || e.Message != resourceNotFound.Message {
			return nil
		}
		if short := quoted.Head(req.Params.URI); short != req.Params.URI {
			return mcp.ResourceNotFoundError(short)
		}
	}
	return nil
}
