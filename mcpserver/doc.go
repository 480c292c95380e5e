// Package mcpserver serves the code-interpreter toolkit of package agenttool
// as a Model Context Protocol server, so that any MCP client (desktop
// assistants, IDEs, agent frameworks in any language) can run the code a
// model writes in an Azure Container Apps dynamic session, or in the local
// emulator.
//
// It is built on the official Go SDK, github.com/modelcontextprotocol/go-sdk.
// Every toolkit tool becomes an MCP tool with the toolkit's input schema
// (plus an optional "session" argument), an output schema for its structured
// result, read-only and destructive annotations, the toolkit's Text as
// TextContent, each image as ImageContent, and isError when the toolkit says
// the call failed. A new_session tool hands out session handles, and the
// files of a sandbox can be read as resources under azsessions://.
//
// # Sessions
//
// A sandbox belongs to a conversation, never to the model:
//
//   - each MCP session (one per process with stdio, one per client with
//     streamable HTTP) has its own sandbox, used by every call that passes no
//     handle; it is deleted when the MCP session ends;
//   - new_session returns a fresh opaque handle (random, authenticated with a
//     key only the server knows); calls that pass it as "session" share that
//     handle's sandbox, from any MCP session, so several conversations can use
//     one connection and clients that reconnect keep their state. A handle's
//     sandbox is deleted by reset_session, after Options.HandleIdleTimeout
//     without a call, or when the Server closes;
//   - Server.Close deletes every sandbox the server made.
//
// The session identifiers sent to the pool are derived by the toolkit from
// the conversation with its HMAC key: a client can neither choose nor guess
// another conversation's sandbox.
//
// # Serving
//
// Server.Run serves one connection (stdio, in-memory). IOTransport is the
// stdio transport to give it: unlike the SDK's, it answers a line that is
// not a JSON-RPC message with a JSON-RPC error and reads on, rather than
// ending the connection. Server.HTTPHandler serves streamable HTTP behind a
// bearer token, with the SDK's DNS-rebinding protection and cross-origin
// protection on. cmd/azsessions-mcp wraps both.
package mcpserver
