package main

import (
	"bufio"
	"crypto/rand"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/proctest"
)

// TestClientGoneMidRun is a client that dies while a run sleeps: its end of
// the server's stdout and stdin close. The server's answer to the stopped
// call then meets a closed pipe; it must not die of SIGPIPE there (the
// default for a write to a broken stdout) but shut down as usual: delete
// its sandboxes, leave no process behind and exit 0.
func TestClientGoneMidRun(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the test reads /proc and waits on a FIFO")
	}
	bin := buildBinary(t)
	defaultSignals(t, syscall.SIGPIPE)
	code, started := proctest.SleepingRun(t)
	marker := "AZSESSIONS_MCP_TEST_MARK=" + rand.Text()
	cmd := exec.Command(bin, "-log-level", "debug")
	cmd.Env = append(os.Environ(), marker, endpointVariable+"=")
	stderr := &strings.Builder{}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	outR, outW, err := os.Pipe() // a pipe of our own, whose read end the test closes
	require.NoError(t, err)
	cmd.Stdout = outW
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	require.NoError(t, outW.Close())

	args, err := json.Marshal(map[string]any{"code": code, "timeout_seconds": 210})
	require.NoError(t, err)
	_, err = io.WriteString(stdin, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`+"\n")
	require.NoError(t, err)
	_, err = bufio.NewReader(outR).ReadString('\n') // the server is up
	require.NoError(t, err)
	_, err = io.WriteString(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n"+
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_python","arguments":`+string(args)+`}}`+"\n")
	require.NoError(t, err)
	if err := started(testContext(t)); err != nil {
		t.Fatalf("the run never started: %v", err)
	}

	require.NoError(t, outR.Close()) // the client is gone
	require.NoError(t, stdin.Close())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case err = <-exited:
	case <-time.After(90 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		t.Fatalf("the binary did not exit: %s", stderr)
	}
	require.NoError(t, err, "a shutdown is a clean exit, not a death by SIGPIPE: %s", stderr)
	assert.Empty(t, processesWith(t, marker), "no process is left behind")
	assert.Contains(t, stderr.String(), "sandbox deleted")
}
