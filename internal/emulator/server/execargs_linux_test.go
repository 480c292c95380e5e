package server

import (
	"net/http"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// A command with more than 65,536 arguments starts: exec(2) limits their
// bytes (a quarter of the stack limit, 2 MiB by default, each argument
// costing its length, its NUL and a pointer), not their number, so 100,000
// one-letter arguments, about 1 MB, run on Linux. The service would run
// such a command; the emulator must not refuse it.
func TestExecCommandArgumentsAsManyAsExecTakes(t *testing.T) {
	var stack syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_STACK, &stack))
	if stack.Cur < 8<<20 {
		t.Skipf("a stack limit of %d bytes leaves exec(2) less than 2 MiB of arguments", stack.Cur)
	}
	e := newShellEnv(t, nil)
	const n = 100_000
	args := append(make([]string, 0, n+4), "sh", "-c", `echo "$#"`, "sh")
	for range n {
		args = append(args, "x")
	}
	m := e.exec("argv", map[string]any{"execCommandAndArgs": args})
	require.Equal(t, http.StatusOK, m.status, "%.300s", m.body)
	require.Equal(t, "0", m.json(t)["status"], "%.300s", m.body)
	require.Equal(t, "100000\n", result(m.json(t))["stdout"])
}
