package main

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestIgnoredHangupStaysIgnored starts the binary as nohup does, with SIGHUP
// ignored: the server keeps it ignored, so closing the terminal it was
// started from does not end a server its user meant to outlive it.
func TestIgnoredHangupStaysIgnored(t *testing.T) {
	testIgnoredSignalStaysIgnored(t, "HUP", syscall.SIGHUP)
}

// TestIgnoredInterruptStaysIgnored starts the binary as a shell starts a
// command in the background, with SIGINT ignored: the server keeps it
// ignored, so a Ctrl-C meant for the foreground does not end it.
func TestIgnoredInterruptStaysIgnored(t *testing.T) {
	testIgnoredSignalStaysIgnored(t, "INT", syscall.SIGINT)
}

// testIgnoredSignalStaysIgnored starts the binary with sig (trap's name
// for it: name) ignored, and checks that the server still ignores it once
// serving, and goes on serving after it.
func testIgnoredSignalStaysIgnored(t *testing.T, name string, sig syscall.Signal) {
	if runtime.GOOS != "linux" {
		t.Skip("the test reads /proc")
	}
	bin := buildBinary(t)
	// sh sets the signal to ignored and execs the binary, which inherits that.
	cmd, transport, stderr, _ := startBinary(t, "/bin/sh", "-c", `trap "" `+name+`; exec "$0" "$@"`, bin, "-pool-type", "shell")
	ctx := testContext(t)
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx, transport, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	call := func() {
		t.Helper()
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_shell", Arguments: map[string]any{"command": "echo hi"}})
		require.NoError(t, err, "stderr: %s", stderr)
		require.False(t, res.IsError)
	}
	call()

	// The server answered, so main has set up its signals by now.
	assert.True(t, signalIgnored(t, cmd.Process.Pid, sig), "SIG%s is no longer ignored", name)
	require.NoError(t, cmd.Process.Signal(sig))
	call()
}

// signalIgnored reads from /proc whether pid ignores sig.
func signalIgnored(t *testing.T, pid int, sig syscall.Signal) bool {
	t.Helper()
	status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	require.NoError(t, err)
	for _, line := range strings.Split(string(status), "\n") {
		if hex, ok := strings.CutPrefix(line, "SigIgn:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			require.NoError(t, err)
			return mask&(1<<(uint(sig)-1)) != 0
		}
	}
	t.Fatal("no SigIgn line in /proc/<pid>/status")
	return false
}
