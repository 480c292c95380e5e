package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// rawServer is the built command over stdio, driven line by line as a
// client would, with its stdout read as lines.
type rawServer struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // stdout, closed at its end
	stderr *watchedBuffer
	marker string
}

// startRaw starts the built command on the emulator; the test kills it if it
// is still there at the end, or at the test's deadline.
func startRaw(t *testing.T, bin string, args ...string) *rawServer {
	t.Helper()
	marker := "AZSESSIONS_MCP_TEST_MARK=" + rand.Text()
	// The test's deadline kills a server that hangs, so that Wait returns.
	cmd := exec.CommandContext(testContext(t), bin, args...)
	cmd.Env = append(os.Environ(), marker, endpointVariable+"=")
	s := &rawServer{cmd: cmd, lines: make(chan string, 64), stderr: &watchedBuffer{changed: make(chan struct{})}, marker: marker}
	cmd.Stderr = s.stderr
	var err error
	s.stdin, err = cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	return s
}

// send writes one line (a newline is added).
func (s *rawServer) send(t *testing.T, line string) {
	t.Helper()
	_, err := io.WriteString(s.stdin, line+"\n")
	require.NoError(t, err, "writing to the server's stdin")
}

// await reads stdout until the response whose id is the JSON text id, and
// returns the lines before it and that response.
func (s *rawServer) await(t *testing.T, id string) (before []string, resp wireAnswer) {
	t.Helper()
	ctx := testContext(t)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				t.Fatalf("the server ended its output before answering %s; stderr:\n%s", id, s.stderrAfterExit())
			}
			var a wireAnswer
			if !strings.HasPrefix(line, "[") && json.Unmarshal([]byte(line), &a) == nil && string(a.ID) == id {
				return before, a
			}
			before = append(before, line)
		case <-ctx.Done():
			t.Fatalf("no answer to %s", id)
		}
	}
}

// stderrAfterExit waits for the command to end (it already closed stdout)
// and returns its standard error.
func (s *rawServer) stderrAfterExit() string {
	_ = s.stdin.Close()
	_ = s.cmd.Wait()
	return s.stderr.String()
}

// initialize runs the MCP handshake with request id 0.
func (s *rawServer) initialize(t *testing.T) {
	t.Helper()
	s.send(t, `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	_, resp := s.await(t, "0")
	require.Nil(t, resp.Error)
	s.send(t, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
}

// runPython calls run_python with code as request id and returns the
// answer, failing the test on a JSON-RPC error.
func (s *rawServer) runPython(t *testing.T, id int, code string) wireAnswer {
	t.Helper()
	params, err := json.Marshal(map[string]any{"name": "run_python", "arguments": map[string]any{"code": code}})
	require.NoError(t, err)
	s.send(t, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":%s}`, id, params))
	_, resp := s.await(t, fmt.Sprint(id))
	require.Nil(t, resp.Error, "run_python %d", id)
	return resp
}

// wireAnswer is a JSON-RPC response as it travels.
type wireAnswer struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// watchedBuffer keeps what is written to it and lets a test wait for a
// text to appear.
type watchedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced at each write
}

func (b *watchedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	close(b.changed)
	b.changed = make(chan struct{})
	return b.buf.Write(p)
}

func (b *watchedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until the text holds s.
func (b *watchedBuffer) waitFor(ctx context.Context, s string) error {
	for {
		b.mu.Lock()
		found, changed := strings.Contains(b.buf.String(), s), b.changed
		b.mu.Unlock()
		if found {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
