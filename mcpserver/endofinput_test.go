package mcpserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// rawLines writes lines to a Server.Run over stdio pipes and collects the
// answers by id; closeInput ends the input as a client that closes the
// server's stdin does.
type rawLines struct {
	in      *io.PipeWriter
	answers chan map[string]any
	ran     chan error
}

func startRawRun(t *testing.T, srv *mcpserver.Server) *rawLines {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	r := &rawLines{in: inW, answers: make(chan map[string]any, 100), ran: make(chan error, 1)}
	go func() { r.ran <- srv.Run(context.Background(), &mcpserver.IOTransport{Reader: inR, Writer: outW}) }()
	go func() {
		defer close(r.answers)
		sc := bufio.NewScanner(outR)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil && m["id"] != nil {
				r.answers <- m
			}
		}
	}()
	t.Cleanup(func() { _ = inW.Close(); _ = outR.Close() })
	return r
}

func (r *rawLines) write(t *testing.T, lines ...string) {
	_, err := io.WriteString(r.in, strings.Join(lines, "\n")+"\n")
	require.NoError(t, err)
}

// byID collects the answers until the server closes its output.
func (r *rawLines) byID() map[float64]map[string]any {
	got := map[float64]map[string]any{}
	for m := range r.answers {
		if id, ok := m["id"].(float64); ok {
			got[id] = m
		}
	}
	return got
}

const rawInitialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}` +
	"\n" + `{"jsonrpc":"2.0","method":"notifications/initialized"}`

// TestEndOfInputAnswersTheCallsItStops closes the server's input while a
// run sleeps for 100 s: as for a signal, the call gets the isError result
// saying the server is shutting down, on the output the client still reads,
// and Run returns well before the run would end. The SDK, seeing the end of
// its input, cancelled the call and closed the output, so the client got
// nothing.
func TestEndOfInputAnswersTheCallsItStops(t *testing.T) {
	f := newFixture(t, "", nil)
	r := startRawRun(t, f.srv)
	code, started := runStarted(t)
	args, err := json.Marshal(sleepArgs(code))
	require.NoError(t, err)
	r.write(t, rawInitialize, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_python","arguments":`+string(args)+`}}`)
	started()
	require.NoError(t, r.in.Close())

	got := r.byID()
	require.Contains(t, got, 2.0, "the call got no answer")
	res, _ := got[2]["result"].(map[string]any)
	require.NotNil(t, res, "%v", got[2])
	assert.Equal(t, true, res["isError"])
	assert.Contains(t, res["content"].([]any)[0].(map[string]any)["text"], "shutting down")
	<-r.ran
	assert.Empty(t, f.liveSessions(t), "the sandbox is deleted")
}

// TestEndOfInputAnswersWhatCameBefore pipes requests and ends the input
// right after them, as `printf ... | azsessions-mcp` does: each request the
// server read gets its answer before it closes its output. The SDK closed the
// output on the end of input, and in most runs nothing was answered.
func TestEndOfInputAnswersWhatCameBefore(t *testing.T) {
	f := newFixture(t, "", nil)
	r := startRawRun(t, f.srv)
	r.write(t, rawInitialize,
		`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":3,"method":"resources/templates/list"}`)
	require.NoError(t, r.in.Close())
	got := r.byID()
	for _, id := range []float64{1, 2, 3} {
		assert.Contains(t, got[id], "result", "request %v: %v", id, got[id])
	}
	<-r.ran
}
