package main

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/proctest"
)

// badLine is a line a client might send by mistake and what the server must
// answer: one response per want entry, in order (an id of "null" is the
// JSON null), or nothing.
type badLine struct {
	name  string
	line  string
	batch bool // the answer is one array of responses
	want  []wantError
}

type wantError struct {
	id   string
	code int
}

const (
	parseError     = -32700
	invalidRequest = -32600
)

func badLines() []badLine {
	long := `{"jsonrpc":"2.0","id":41,"method":"ping","params":{"pad":"` + strings.Repeat("x", mcp.DefaultMaxLineLength) + `"}}`
	deep := `{"jsonrpc":"2.0","id":42,"method":"ping","params":` + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + `}`
	return []badLine{
		{name: "not JSON", line: "hello, server", want: []wantError{{"null", parseError}}},
		{name: "truncated", line: `{"jsonrpc":"2.0","id":31,"method":"tools/call","params":{"name":"run_py`, want: []wantError{{"31", parseError}}},
		{name: "truncated before the id", line: `{"jsonrpc":"2.0","met`, want: []wantError{{"null", parseError}}},
		{name: "two values on a line", line: `{"jsonrpc":"2.0","id":32,"method":"ping"} {"jsonrpc":"2.0","id":33,"method":"ping"}`, want: []wantError{{"32", parseError}}},
		{name: "a number", line: `42`, want: []wantError{{"null", invalidRequest}}},
		{name: "a string", line: `"tools/list"`, want: []wantError{{"null", invalidRequest}}},
		{name: "null", line: `null`, want: []wantError{{"null", invalidRequest}}},
		{name: "wrong version", line: `{"jsonrpc":"1.0","id":"v","method":"ping"}`, want: []wantError{{`"v"`, invalidRequest}}},
		{name: "id of the wrong type", line: `{"jsonrpc":"2.0","id":true,"method":"ping"}`, want: []wantError{{"null", invalidRequest}}},
		{name: "method not a string", line: `{"jsonrpc":"2.0","id":34,"method":7}`, want: []wantError{{"34", invalidRequest}}},
		{name: "broken response", line: `{"jsonrpc":"2.0","id":35,"error":"no"}`},
		{name: "error with a null id", line: `{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`},
		{name: "too deep", line: deep, want: []wantError{{"42", invalidRequest}}},
		{name: "empty batch", line: `[]`, want: []wantError{{"null", invalidRequest}}},
		{name: "batch", line: `[{"jsonrpc":"2.0","id":36,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},7]`, batch: true,
			want: []wantError{{"36", invalidRequest}, {"null", invalidRequest}}},
		{name: "batch of notifications", line: `[{"jsonrpc":"2.0","method":"notifications/initialized"}]`},
		{name: "empty line", line: ""},
		{name: "blank line", line: " \t\r"},
		{name: "not UTF-8 in a string", line: "{\"jsonrpc\":\"2.0\",\"id\":37,\"method\":\"ping\",\"params\":{\"x\":\"\xff\"}}", want: []wantError{{"37", parseError}}},
		{name: "not UTF-8", line: "\xfe\xff\x00", want: []wantError{{"null", parseError}}},
		{name: "longer than the limit", line: long, want: []wantError{{"41", invalidRequest}}},
	}
}

// TestBadLinesDoNotEndTheServer sends the built command, between good
// requests, lines that are not JSON-RPC messages: each gets the error
// response JSON-RPC asks for (or none), the server keeps serving, and a run
// after them still works in the same sandbox.
func TestBadLinesDoNotEndTheServer(t *testing.T) {
	s := startWithSandbox(t, "kept = 6")

	for i, c := range badLines() {
		s.send(t, c.line)
		// A ping after each bad line: the bad line's answers come before
		// its answer, since the server answers a bad line as it reads it.
		pingID := fmt.Sprintf(`"ping-%d"`, i)
		s.send(t, `{"jsonrpc":"2.0","id":`+pingID+`,"method":"ping"}`)
		before, pong := s.await(t, pingID)
		require.Nil(t, pong.Error, c.name)
		checkAnswers(t, c, before)
	}

	resp := s.runPython(t, 2, "kept * 7")
	assert.Contains(t, string(resp.Result), "42", "the sandbox of before the bad lines")

	require.NoError(t, s.stdin.Close())
	require.NoError(t, s.cmd.Wait(), "stdin EOF is a clean exit: %s", s.stderr)
	assert.Contains(t, s.stderr.String(), "sandbox deleted")
	assert.Empty(t, processesWith(t, s.marker), "no process is left behind")
}

// startWithSandbox starts the built command, runs the MCP handshake and
// makes the sandbox with a first run of code (request id 1).
func startWithSandbox(t *testing.T, code string) *rawServer {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the leftover-process check reads /proc")
	}
	s := startRaw(t, buildBinary(t))
	s.initialize(t)
	s.runPython(t, 1, code)
	return s
}

// checkAnswers asserts that lines are the answers c wants.
func checkAnswers(t *testing.T, c badLine, lines []string) {
	t.Helper()
	var got []wireAnswer
	if c.batch {
		require.Len(t, lines, 1, "%s: one array", c.name)
		require.NoError(t, json.Unmarshal([]byte(lines[0]), &got), "%s: %s", c.name, lines[0])
	} else {
		for _, line := range lines {
			var a wireAnswer
			require.NoError(t, json.Unmarshal([]byte(line), &a), "%s: %s", c.name, line)
			got = append(got, a)
		}
	}
	require.Len(t, got, len(c.want), "%s: %q", c.name, lines)
	for i, w := range c.want {
		assert.Equal(t, "2.0", got[i].JSONRPC, c.name)
		assert.Equal(t, w.id, string(got[i].ID), c.name)
		if assert.NotNil(t, got[i].Error, c.name) {
			assert.Equal(t, w.code, got[i].Error.Code, c.name)
			assert.NotEmpty(t, got[i].Error.Message, c.name)
		}
		assert.Nil(t, got[i].Result, c.name)
	}
}

// TestEOFInTheMiddleOfALine closes the command's stdin in the middle of a
// line: the cut line gets a parse error, and the server shuts down as at
// any end of stdin, deleting its sandbox.
func TestEOFInTheMiddleOfALine(t *testing.T) {
	s := startWithSandbox(t, "6 * 7")
	require.NotEmpty(t, processesWith(t, s.marker), "the interpreter runs")

	_, err := io.WriteString(s.stdin, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_py`)
	require.NoError(t, err)
	require.NoError(t, s.stdin.Close())
	_, resp := s.await(t, "2")
	require.NotNil(t, resp.Error)
	assert.Equal(t, parseError, resp.Error.Code)

	require.NoError(t, s.cmd.Wait(), "the end of stdin is a clean exit: %s", s.stderr)
	assert.Contains(t, s.stderr.String(), "sandbox deleted")
	assert.Empty(t, processesWith(t, s.marker), "no process is left behind")
}

// TestCancelledCallGetsNoResponse cancels a run in progress with
// notifications/cancelled: MCP says the server should not answer the
// cancelled request, and it does not (the SDK alone would answer with an
// error of code 0); the server goes on serving.
func TestCancelledCallGetsNoResponse(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the test waits on a FIFO")
	}
	code, started := proctest.SleepingRun(t)
	s := startRaw(t, buildBinary(t))
	s.initialize(t)
	args, err := json.Marshal(map[string]any{"code": code, "timeout_seconds": 210})
	require.NoError(t, err)
	s.send(t, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_python","arguments":`+string(args)+`}}`)
	ctx := testContext(t)
	require.NoError(t, started(ctx), "the run never started")

	s.send(t, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2,"reason":"the user gave up"}}`)
	require.NoError(t, s.stderr.waitFor(ctx, "tool call ended by the client"))
	s.send(t, `{"jsonrpc":"2.0","id":3,"method":"ping"}`)
	before, pong := s.await(t, "3")
	require.Nil(t, pong.Error)
	require.NoError(t, s.stdin.Close())
	for line := range s.lines {
		before = append(before, line)
	}
	for _, line := range before {
		var a wireAnswer
		require.NoError(t, json.Unmarshal([]byte(line), &a), line)
		assert.NotEqual(t, "2", string(a.ID), "an answer to the cancelled call: %s", line)
	}
	require.NoError(t, s.cmd.Wait(), "%s", s.stderr)
}
