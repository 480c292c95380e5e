package main

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/proctest"
)

// midRun is the built binary serving one raw stdio client, on its embedded
// emulator, while that client's run_python call sleeps.
type midRun struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *bytes.Buffer // read it only once cmd has exited
	// marker is in the environment of every process the binary starts,
	// for processesWith.
	marker string
}

// startMidRun starts bin with stdout as its standard output, initializes
// an MCP session and calls run_python with code that sleeps, and returns
// once the code runs. The binary is killed at the test's end whatever
// happens.
func startMidRun(t *testing.T, bin string, stdout io.Writer) *midRun {
	t.Helper()
	// The run's code signals once it runs, so the test knows the sleep
	// has begun.
	code, started := proctest.SleepingRun(t)
	m := &midRun{marker: "AZSESSIONS_MCP_TEST_MARK=" + rand.Text(), stderr: &bytes.Buffer{}}
	m.cmd = exec.Command(bin, "-log-level", "debug")
	m.cmd.Env = append(os.Environ(), m.marker, endpointVariable+"=")
	m.cmd.Stderr = m.stderr
	m.cmd.Stdout = stdout
	stdin, err := m.cmd.StdinPipe()
	require.NoError(t, err)
	m.stdin = stdin
	require.NoError(t, m.cmd.Start())
	t.Cleanup(func() { _ = m.cmd.Process.Kill(); _ = m.cmd.Wait() })

	args, err := json.Marshal(map[string]any{"code": code, "timeout_seconds": 210})
	require.NoError(t, err)
	_, err = io.WriteString(stdin, strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_python","arguments":` + string(args) + `}}`,
	}, "\n")+"\n")
	require.NoError(t, err)

	// A hang guard only: starting the interpreter takes its time under
	// load, and counts for nothing in the tests.
	if err := started(testContext(t)); err != nil {
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait() // before stderr is read
		t.Fatalf("the run never started: %v: %s", err, m.stderr)
	}
	return m
}

// exit waits for the binary to exit and returns how it did. It waits 90 s,
// less than the 100 s the run sleeps: a binary still there then waited for
// the run, and is sent SIGQUIT, so that the failure shows its goroutines
// and where it waited.
func (m *midRun) exit(t *testing.T) error {
	t.Helper()
	exited := make(chan error, 1)
	go func() { exited <- m.cmd.Wait() }()
	select {
	case err := <-exited:
		return err
	case <-time.After(90 * time.Second):
		_ = m.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = m.cmd.Process.Kill()
			<-exited
		}
		t.Fatalf("the binary did not exit while the run slept: %s", m.stderr)
		return nil
	}
}
