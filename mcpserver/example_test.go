package mcpserver_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// Example serves the toolkit to an MCP client over the SDK's in-memory
// transport, on an emulator, and runs one cell.
func Example() {
	ctx := context.Background()
	emu, err := emulator.Start(nil)
	if err != nil {
		panic(err)
	}
	defer emu.Close()
	client, err := emu.NewClient()
	if err != nil {
		panic(err)
	}
	srv, err := mcpserver.New(client, nil)
	if err != nil {
		panic(err)
	}
	defer srv.Close(ctx) // deletes every sandbox the server made

	serverSide, clientSide := mcp.NewInMemoryTransports()
	go func() { _ = srv.Run(ctx, serverSide) }()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "example", Version: "1"}, nil).Connect(ctx, clientSide, nil)
	if err != nil {
		panic(err)
	}
	defer cs.Close()
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: agenttool.ToolRunPython, Arguments: map[string]any{"code": "6 * 7"}})
	if err != nil {
		panic(err)
	}
	fmt.Println("isError:", res.IsError)
	fmt.Println("value:", res.StructuredContent.(map[string]any)["value"])
	// Output:
	// isError: false
	// value: 42
}

// ExampleServer_HTTPHandler is the snippet of docs/agents.md, "From Go".
func ExampleServer_HTTPHandler() {
	_ = serveHTTPExample(context.Background(), nil, nil, "token")
}

func serveHTTPExample(ctx context.Context, client *azsessions.Client, key []byte, token string) error {
	srv, err := mcpserver.New(client, &mcpserver.Options{Toolkit: agenttool.Options{Key: key}})
	if err != nil {
		return err
	}
	defer srv.Close(ctx) // deletes every sandbox the server made
	handler, err := srv.HTTPHandler(mcpserver.HTTPOptions{Token: token})
	if err != nil {
		return err
	}
	http.Handle("/mcp", handler) // or: srv.Run(ctx, &mcpserver.IOTransport{Reader: os.Stdin, Writer: os.Stdout})
	return nil                   // not in the snippet
}
