package azsessions_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// TestFailureKindsAreTheServices checks that only the service's own texts
// make a failure a timeout, a memory abort or a kernel restart, and that
// user output starting with those words is an ordinary error.
func TestFailureKindsAreTheServices(t *testing.T) {
	const traceback = "\n---------------------------------------------------------------------------\nValueError                                Traceback (most recent call last)\nValueError: no\n"
	failed := azsessions.ExecutionStatusFailed
	for _, tc := range []struct {
		name     string
		stderr   string
		errorMsg string
		exitCode *int
		want     azsessions.ExecutionFailure
	}{
		{"timeout", "Request timed out waiting for code execution to complete", "", nil, azsessions.ExecutionFailureTimeout},
		{"timeout with seconds", "Request timed out waiting for code execution to complete after 120 seconds\n", "", nil, azsessions.ExecutionFailureTimeout},
		{"memory", "Execution aborted", "", nil, azsessions.ExecutionFailureMemory},
		{"kernel restarted", "Kernel restarted\n", "", nil, azsessions.ExecutionFailureKernelRestarted},
		{"kernel restarted with reason", "Kernel restarted: the session was deleted", "", nil, azsessions.ExecutionFailureKernelRestarted},
		{"error field", "", "Kernel restarted", nil, azsessions.ExecutionFailureKernelRestarted},
		{"shell timeout", "Request timed out waiting for code execution to complete", "", ptr(-1), azsessions.ExecutionFailureTimeout},

		{"user text then raise", "Kernel restarted because I said so" + traceback, "", nil, azsessions.ExecutionFailureError},
		{"user text alone", "Kernel restarted because I said so", "", nil, azsessions.ExecutionFailureError},
		{"exact text then raise", "Kernel restarted" + traceback, "", nil, azsessions.ExecutionFailureError},
		{"timeout text then raise", "Request timed out waiting for code execution to complete" + traceback, "", nil, azsessions.ExecutionFailureError},
		{"memory words then raise", "Execution aborted by user" + traceback, "", nil, azsessions.ExecutionFailureError},
		{"seconds not a number", "Request timed out waiting for code execution to complete after many seconds", "", nil, azsessions.ExecutionFailureError},
		{"shell echo", "Execution aborted\nreally", "", ptr(3), azsessions.ExecutionFailureExitCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := azsessions.Execution{Status: &failed, ExitCode: tc.exitCode, Result: &azsessions.ExecutionResult{Stderr: &tc.stderr}}
			if tc.errorMsg != "" {
				e.Error = &azsessions.ExecutionError{Message: &tc.errorMsg}
			}
			require.Equal(t, tc.want, e.Failure())
		})
	}
}

// TestFailureOfAnAnswerWithoutStatus checks that an answer whose status is
// missing but which carries the service's error (a poll answered 200 with
// only an error, which ends the wait) is a failure, not a success, and that
// one with neither is still none.
func TestFailureOfAnAnswerWithoutStatus(t *testing.T) {
	msg := "Internal error"
	require.Equal(t, azsessions.ExecutionFailureError, azsessions.Execution{Error: &azsessions.ExecutionError{Message: &msg}}.Failure())
	restarted := "Kernel restarted"
	require.Equal(t, azsessions.ExecutionFailureKernelRestarted, azsessions.Execution{Error: &azsessions.ExecutionError{Message: &restarted}}.Failure())
	require.Equal(t, azsessions.ExecutionFailureError, azsessions.Execution{Error: &azsessions.ExecutionError{}}.Failure())
	require.Equal(t, azsessions.ExecutionFailureNone, azsessions.Execution{}.Failure())
	require.False(t, azsessions.Execution{Error: &azsessions.ExecutionError{Message: &msg}}.Succeeded())
}
