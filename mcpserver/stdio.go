package mcpserver

import (
	"context"
	"errors"
	"io"
	"log/slog"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// DefaultMaxLineBytes caps a line IOTransport reads: the SDK's own limit,
// mcp.DefaultMaxLineLength (16 MiB), so an upload_file call larger than the
// toolkit's MaxUploadBytes still arrives and gets the toolkit's answer.
const DefaultMaxLineBytes = mcp.DefaultMaxLineLength

// IOTransport is an mcp.Transport for the newline-delimited JSON of MCP's
// stdio transport, over Reader and Writer (os.Stdin and os.Stdout for a
// server a client starts): one message a line, as with mcp.IOTransport,
// each decoded by the SDK's own jsonrpc.DecodeMessage. Unlike with
// mcp.IOTransport, a line that is not a JSON-RPC message does not end the
// connection:
//
//   - a line that is not JSON (cut short, two values, not UTF-8, part of a
//     message spread over several lines, which MCP forbids) gets a
//     JSON-RPC error response with code -32700 (parse error);
//   - a line that is JSON but not a message the SDK accepts (a number, an
//     object without "jsonrpc":"2.0", an id that is neither a number nor a
//     string) gets -32600 (invalid request), as does a line longer than
//     MaxLineBytes and a batch (an array: only protocol 2025-03-26 had
//     them; each request in it gets its own error, in one array);
//   - a response the SDK cannot read (an error with a null id, as a client
//     sends about a line it could not read; one cut short) gets no answer,
//     since JSON-RPC answers no response;
//   - an empty or blank line is skipped.
//
// The error carries the id of the request when the line shows one (a
// top-level "id" beside a "method", before the point where the line breaks,
// or, in a line over MaxLineBytes, among the plain members that end it, where
// the TypeScript SDK writes "id"), else null, so a client is not left
// waiting for an answer. The connection
// goes on with the next line; the end of Reader, even in the middle of a
// line, ends it once the requests read before it are answered (within 5 s;
// Server.Run stops the calls in progress first, as a shutdown does). The
// SDK's transport ended it at once, and the client, which may still read
// the output (MCP's stdio shutdown closes the server's input first), got
// no answer to them.
//
// It also sends no response to a request the client cancelled
// (notifications/cancelled), as MCP asks; the SDK would send an error.
type IOTransport struct {
	// Reader is the client's stream; closing the connection closes it.
	Reader io.ReadCloser
	// Writer receives the server's messages, each line in one Write;
	// closing the connection closes it.
	Writer io.WriteCloser
	// MaxLineBytes caps a line, its end of line left out (default
	// DefaultMaxLineBytes); a longer one is read to its end, dropped and
	// answered with an error. Memory holds at most one line of this size.
	MaxLineBytes int
	// Logger receives one warning per line refused, saying why and how long
	// it was, never what it held. Nil: no log.
	Logger *slog.Logger
}

// Connect implements mcp.Transport.
func (t *IOTransport) Connect(context.Context) (mcp.Connection, error) {
	if t.Reader == nil || t.Writer == nil {
		return nil, errors.New("mcpserver: IOTransport needs a Reader and a Writer")
	}
	limit := t.MaxLineBytes
	if limit <= 0 {
		limit = DefaultMaxLineBytes
	}
	log := t.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return newCancelAwareConn(newLineConn(t.Reader, t.Writer, limit, log)), nil
}
