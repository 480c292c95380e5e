package mcpserver_test

import (
	"context"
	"io"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// BenchmarkStdioRoundTrip calls a tool that does nothing through a bare SDK
// server over pipes, with the SDK's mcp.IOTransport and with
// mcpserver.IOTransport on the server's side: the cost of checking each
// line.
func BenchmarkStdioRoundTrip(b *testing.B) {
	for _, side := range []struct {
		name      string
		transport func(io.ReadCloser, io.WriteCloser) mcp.Transport
	}{
		{"sdk", func(r io.ReadCloser, w io.WriteCloser) mcp.Transport { return &mcp.IOTransport{Reader: r, Writer: w} }},
		{"checked", func(r io.ReadCloser, w io.WriteCloser) mcp.Transport {
			return &mcpserver.IOTransport{Reader: r, Writer: w}
		}},
	} {
		b.Run(side.name, func(b *testing.B) {
			ctx := context.Background()
			server := mcp.NewServer(&mcp.Implementation{Name: "t", Version: "1"}, nil)
			mcp.AddTool(server, &mcp.Tool{Name: "nothing"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
				return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "42"}}}, nil, nil
			})
			toServerR, toServerW := io.Pipe()
			toClientR, toClientW := io.Pipe()
			ss, err := server.Connect(ctx, side.transport(toServerR, toClientW), nil)
			if err != nil {
				b.Fatal(err)
			}
			defer ss.Close()
			cs, err := mcp.NewClient(&mcp.Implementation{Name: "c", Version: "1"}, nil).Connect(ctx, &mcp.IOTransport{Reader: toClientR, Writer: toServerW}, nil)
			if err != nil {
				b.Fatal(err)
			}
			defer cs.Close()
			params := &mcp.CallToolParams{Name: "nothing", Arguments: map[string]any{}}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := cs.CallTool(ctx, params); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
