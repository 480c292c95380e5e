package agenttool_test

import (
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// A shell pool keeps no variables (each command is a new shell), so a shell
// command that timed out or ran out of memory is not told that "variables
// may be lost", and a one-second limit is "1 second".
func TestFakeShellFailureSentences(t *testing.T) {
	for _, tc := range []struct {
		name, stderr, timeout, want string
	}{
		{"timeout", "Request timed out waiting for code execution to complete", "1",
			"failure: timeout: the command took longer than its limit of 1 second and was stopped; what it wrote to files so far remains. Split the work, or pass a larger timeout_seconds.\n"},
		{"memory", "Execution aborted", "null",
			"failure: memory: the command ran out of memory and was stopped; what it wrote to files so far remains. Work on less data at a time.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			exec := azsessions.Execution{Status: to.Ptr(azsessions.ExecutionStatusFailed), ExitCode: to.Ptr(-1), Result: &azsessions.ExecutionResult{Stderr: to.Ptr(tc.stderr)}}
			kit, _ := newFakeKit(t, &agenttool.Options{PoolType: agenttool.PoolTypeShell}, fixed(exec))
			args := map[string]any{"command": "sleep 9", "stdin": nil, "timeout_seconds": nil}
			if tc.timeout != "null" {
				args["timeout_seconds"] = 1
			}
			r := call(t, kit.Session("c"), agenttool.ToolRunShell, args)
			require.True(t, r.IsError)
			require.Contains(t, r.Text, tc.want)
			require.False(t, strings.Contains(r.Text, "variables"), r.Text)
		})
	}
}
