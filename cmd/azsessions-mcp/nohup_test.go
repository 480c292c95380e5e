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
// ignored: the server goes on after a SIGHUP, so closing the terminal it was
// started from does not end a server its user meant to outlive it.
func TestIgnoredHangupStaysIgnored(t *testing.T) {
	testIgnoredSignalStaysIgnored(t, "HUP", syscall.SIGHUP)
}

// TestIgnoredInterruptStaysIgnored starts the binary as a shell starts a
// command in the background, with SIGINT ignored: the server goes on after
// a SIGINT, so a Ctrl-C meant for the foreground does not end it.
func TestIgnoredInterruptStaysIgnored(t *testing.T) {
	testIgnoredSignalStaysIgnored(t, "INT", syscall.SIGINT)
}

// testIgnoredSignalStaysIgnored starts the binary with sig (trap's name
// for it: name) ignored, and checks that the server does not die of it
// once serving and goes on serving after it, and that the sandboxes of its
// emulator do not inherit the ignored signal, as a pool's never do.
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
	call := func(command string) string {
		t.Helper()
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_shell", Arguments: map[string]any{"command": command}})
		require.NoError(t, err, "stderr: %s", stderr)
		require.False(t, res.IsError)
		return res.Content[0].(*mcp.TextContent).Text
	}
	sandbox := call("cat /proc/self/status")
	assert.False(t, hasSignal(t, sandbox, "SigIgn", sig), "a sandbox's command inherited the ignored SIG%s", name)

	// The server answered, so main has set up its signals by now.
	server, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(cmd.Process.Pid), "status"))
	require.NoError(t, err)
	assert.True(t, hasSignal(t, string(server), "SigIgn", sig) || hasSignal(t, string(server), "SigCgt", sig),
		"SIG%s has its default action (ending the server)", name)
	require.NoError(t, cmd.Process.Signal(sig))
	call("echo hi")
}

// hasSignal reports whether sig is in the mask on status's line field
// ("SigIgn", "SigCgt"), status being a /proc/<pid>/status.
func hasSignal(t *testing.T, status, field string, sig syscall.Signal) bool {
	t.Helper()
	for _, line := range strings.Split(status, "\n") {
		if hex, ok := strings.CutPrefix(line, field+":"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
			require.NoError(t, err)
			return mask&(1<<(uint(sig)-1)) != 0
		}
	}
	t.Fatalf("no %s line in %q", field, status)
	return false
}
