package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// A shell command stopped at its limit gets the pool's exit code -1, which
// is no code the command exited with: the layout says it timed out and
// shows no "exit code: -1" line beside it (the structured result keeps the
// pool's value).
func TestEmulatorShellTimeoutShowsNoExitCode(t *testing.T) {
	kit := newShellKit(t)
	r := call(t, kit.Session("sh"), agenttool.ToolRunShell, map[string]any{"command": "sleep 30", "stdin": nil, "timeout_seconds": 1})
	require.True(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "status: failed\nfailure: timeout: ")
	require.NotContains(t, r.Text, "exit code:")
	out := r.Structured.(*agenttool.RunOutput)
	require.Equal(t, "timeout", out.Failure)
}
