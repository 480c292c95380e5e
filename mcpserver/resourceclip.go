package mcpserver

import (
	"context"
	"errors"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seed-f3fa2c9d/azsessions/internal/quoted"
)

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

// clipResourceNotFound is receiving middleware that shortens a
// resource-not-found answer to resources/read. The SDK's error, whether the
// SDK answers it (no template matches) or readResource does (no such file),
// quotes the whole URI in its data, and a client can make a URI as long as
// the request; the answer quotes its head instead, as every other refusal
// of the server does.
func clipResourceNotFound(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		res, err := next(ctx, method, req)
		read, ok := req.(*mcp.ReadResourceRequest)
		var rpcErr *jsonrpc.Error
		if !ok || read.Params == nil || !errors.As(err, &rpcErr) ||
			rpcErr.Code != resourceNotFound.Code || rpcErr.Message != resourceNotFound.Message {
			return res, err
		}
		if short := quoted.Head(read.Params.URI); short != read.Params.URI {
			return nil, mcp.ResourceNotFoundError(short)
		}
		return res, err
	}
}
