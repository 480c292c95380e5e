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
	if runtime.GOOS != "linux" {
		t.Skip("the test reads /proc")
	}
	bin := buildBinary(t)
	// sh sets SIGHUP to ignored and execs the binary, which inherits that.
	cmd, transport, stderr, _ := startBinary(t, "/bin/sh", "-c", `trap "" HUP; exec "$0" "$@"`, bin, "-pool-type", "shell")
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
	assert.True(t, hangupIgnored(t, cmd.Process.Pid), "SIGHUP is no longer ignored")
	require.NoError(t, cmd.Process.Signal(syscall.SIGHUP))
	call()
}

// hangupIgnored reads from /proc whether pid ignores SIGHUP.
func hangupIgnored(t *testing.T, pid int) bool {
	t.Helper()
	status, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	require.NoError(t, err)
	for _, line := range strings.Split(string(status), "\n") {
		if hex, ok := strings.CutPrefix(line, "SigIgn:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			require.NoError(t, err)
			return mask&(1<<(uint(syscall.SIGHUP)-1)) != 0
		}
	}
	t.Fatal("no SigIgn line in /proc/<pid>/status")
	return false
}
