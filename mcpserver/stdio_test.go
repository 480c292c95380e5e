package mcpserver_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// stdioPeer is an SDK server (no sandbox: a "big" tool with a long answer)
// served over mcpserver.IOTransport on pipes, and the client's end of them.
type stdioPeer struct {
	in    *io.PipeWriter
	lines chan string // the server's output, closed at its end
	logs  *recorder
	out   *lineChecker
	ended chan error // the server session's end
}

// startStdio serves a server over an IOTransport with the given line limit
// (0: the default) until the test ends.
func startStdio(t *testing.T, maxLine int) *stdioPeer {
	t.Helper()
	server := mcp.NewServer(&mcp.Implementation{Name: "t", Version: "1"}, nil)
	mcp.AddTool(server, &mcp.Tool{Name: "big"}, func(context.Context, *mcp.CallToolRequest, struct{}) (*mcp.CallToolResult, any, error) {
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: strings.Repeat("big ", 50_000)}}}, nil, nil
	})
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	p := &stdioPeer{in: inW, lines: make(chan string, 16), logs: newRecorder(), out: &lineChecker{w: outW}, ended: make(chan error, 1)}
	transport := &mcpserver.IOTransport{Reader: inR, Writer: p.out, MaxLineBytes: maxLine, Logger: slog.New(p.logs)}
	ss, err := server.Connect(testContext(t), transport, nil)
	require.NoError(t, err)
	go func() { p.ended <- ss.Wait() }()
	t.Cleanup(func() { _ = ss.Close(); _ = outR.Close() })
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(outR)
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
	}()
	p.send(t, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	require.Contains(t, p.next(t), `"id":0,"result"`)
	p.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	return p
}

func (p *stdioPeer) send(t *testing.T, line string) {
	t.Helper()
	_, err := io.WriteString(p.in, line+"\n")
	require.NoError(t, err)
}

func (p *stdioPeer) next(t *testing.T) string {
	t.Helper()
	select {
	case line, ok := <-p.lines:
		require.True(t, ok, "the server's output ended")
		return line
	case <-testContext(t).Done():
		t.Fatal("no line from the server")
		return ""
	}
}

// lineChecker passes writes on, noting any that overlap another or that is
// not exactly one line.
type lineChecker struct {
	w       io.WriteCloser
	writing atomic.Int32
	mu      sync.Mutex
	faults  []string
}

func (c *lineChecker) Write(p []byte) (int, error) {
	if c.writing.Add(1) > 1 {
		c.fault("two writes at once")
	}
	defer c.writing.Add(-1)
	if bytes.IndexByte(p, '\n') != len(p)-1 {
		c.fault(fmt.Sprintf("a write that is not one whole line: %.40q", p))
	}
	runtime.Gosched() // give another writer the chance to overlap
	return c.w.Write(p)
}

func (c *lineChecker) Close() error { return c.w.Close() }

func (c *lineChecker) fault(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, s)
}

// TestIOTransportLinesStayWhole answers bad lines while the server writes
// long results of calls made between them: every write is one whole line,
// no two overlap, and every call and bad line gets its answer.
func TestIOTransportLinesStayWhole(t *testing.T) {
	p := startStdio(t, 0)
	const n = 40
	go func() {
		for i := range n {
			fmt.Fprintf(p.in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"big","arguments":{}}}`+"\n", i+1)
			fmt.Fprintf(p.in, "not json %d\n", i)
		}
	}()
	results, refusals := 0, 0
	for results < n || refusals < n {
		line := p.next(t)
		var a struct {
			ID    json.RawMessage `json:"id"`
			Error *struct{ Code int }
		}
		require.NoError(t, json.Unmarshal([]byte(line), &a), "%.80s", line)
		if a.Error != nil {
			assert.Equal(t, "null", string(a.ID))
			assert.Equal(t, -32700, a.Error.Code)
			refusals++
		} else {
			assert.Contains(t, line, "big big")
			results++
		}
	}
	p.out.mu.Lock()
	defer p.out.mu.Unlock()
	assert.Empty(t, p.out.faults)
}

// TestIOTransportLineLimit sends lines at and over MaxLineBytes: the one at
// the limit is served, the longer one answered with -32600 and its id, and
// the server goes on.
func TestIOTransportLineLimit(t *testing.T) {
	const limit = 200
	p := startStdio(t, limit)
	ping := func(id int) string {
		head := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"ping","params":{"pad":"`, id)
		return head + strings.Repeat("x", limit-len(head)-3) + `"}}`
	}
	require.Len(t, ping(1), limit)
	p.send(t, ping(1))
	assert.Equal(t, `{"jsonrpc":"2.0","id":1,"result":{}}`, p.next(t))
	p.send(t, ping(2)+" ")
	line := p.next(t)
	assert.Contains(t, line, `"id":2,"error":{"code":-32600,`)
	assert.Contains(t, line, "longer than 200 bytes")
	p.send(t, `{"jsonrpc":"2.0","id":3,"method":"ping"}`+"\r")
	assert.Equal(t, `{"jsonrpc":"2.0","id":3,"result":{}}`, p.next(t), "a CRLF line end")
	assert.Equal(t, []string{"201"}, p.logs.attrs("refused an input line that is not a JSON-RPC message", "bytes"))
}

// TestIOTransportLineLimitIDLast sends lines over MaxLineBytes in the
// order the TypeScript SDK writes a request, "method", "params", "jsonrpc",
// then "id": the answer still carries the id, read from the line's end, so
// the client's call fails at once rather than at its timeout. An "id" at
// the end of the params, or a last member that is not a plain value, is no
// answer's id.
func TestIOTransportLineLimitIDLast(t *testing.T) {
	const limit = 200
	p := startStdio(t, limit)
	pad := strings.Repeat("x", limit)
	for _, c := range []struct{ line, id string }{
		{`{"method":"ping","params":{"pad":"` + pad + `"},"jsonrpc":"2.0","id":12}`, `12`},
		{`{"method":"ping","params":{"pad":"` + pad + `"},"jsonrpc":"2.0","id":"a\"}b"} `, `"a\"}b"`},
		{`{"method":"ping","params":{"pad":"` + pad + `", "id":13}}`, `null`},
		{`{"method":"ping","id":14,"params":{"pad":"` + pad + `"}}`, `14`},                  // read from the start
		{`{"method":"ping","params":{"pad":"` + pad + `"},"id":16,"more":{"a":1}}`, `null`}, // the walk back stops at {"a":1}
		{`{"params":{"pad":"` + pad + `"},"id":15}`, `null`},                                // no "method": not a request
		// The limit falls inside the id: 12 is not the id, 12345 is.
		{`{"method":"ping","params":{"pad":"` + pad[:limit-60] + `"},"jsonrpc":"2.0","id":12345}`, `12345`},
		{`{"method":"ping","params":{"pad":"` + pad[:limit-60] + `"},"jsonrpc":"2.0","id":12345,"more":{"a":1}}`, `null`},
		// The limit falls just past a string id, which its quote ends.
		{`{"method":"ping","params":{"pad":"` + pad[:limit-47] + `"},"id":"abc","more":{"a":1}}`, `"abc"`},
	} {
		p.send(t, c.line)
		assert.Contains(t, p.next(t), `{"jsonrpc":"2.0","id":`+c.id+`,"error":{"code":-32600,`, c.line[len(c.line)-30:])
	}
}

// TestIOTransportLogsNoContent refuses a line that holds code: the log says
// why and how long the line was, never what it held.
func TestIOTransportLogsNoContent(t *testing.T) {
	p := startStdio(t, 0)
	p.send(t, `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"run_python","arguments":{"code":"secret_code_marker = 1`)
	assert.Contains(t, p.next(t), `"id":9,"error":{"code":-32700,`)
	assert.Equal(t, []string{"not JSON"}, p.logs.attrs("refused an input line that is not a JSON-RPC message", "reason"))
	assert.NotContains(t, p.logs.all(), "secret_code_marker")

	require.NoError(t, p.in.Close())
	select {
	case <-p.ended:
	case <-testContext(t).Done():
		t.Fatal("the end of the input did not end the session")
	}
}

func TestIOTransportNeedsBothEnds(t *testing.T) {
	_, err := (&mcpserver.IOTransport{Reader: io.NopCloser(strings.NewReader(""))}).Connect(context.Background())
	assert.ErrorContains(t, err, "Reader and a Writer")
}
