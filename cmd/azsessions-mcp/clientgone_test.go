package main

import (
	"os"
	"runtime"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	outR, outW, err := os.Pipe() // a pipe of our own, whose read end the test closes
	require.NoError(t, err)
	m := startMidRun(t, bin, outW)
	require.NoError(t, outW.Close())

	require.NoError(t, outR.Close()) // the client is gone
	require.NoError(t, m.stdin.Close())
	err = m.exit(t)
	require.NoError(t, err, "a shutdown is a clean exit, not a death by SIGPIPE: %s", m.stderr)
	assert.Empty(t, processesWith(t, m.marker), "no process is left behind")
	assert.Contains(t, m.stderr.String(), "sandbox deleted")
}
