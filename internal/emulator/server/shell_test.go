package server

import (
	"net/http"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

func newShellEnv(t testing.TB, mod func(*Config)) *env {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not found")
	}
	return newPythonEnv(t, func(c *Config) {
		c.PoolType = PoolTypeShell
		if mod != nil {
			mod(c)
		}
	})
}

func TestShellRuntime(t *testing.T) {
	e := newShellEnv(t, nil)
	m := e.exec("sh", map[string]any{"shellCommand": "echo out; echo err >&2; exit 3"}).json(t)
	require.Equal(t, "3", m["status"])
	require.Equal(t, "out\n", result(m)["stdout"])
	require.Equal(t, "err\n", result(m)["stderr"])
	require.NotContains(t, result(m), "executionResult")

	m = e.exec("sh", map[string]any{"execCommandAndArgs": []string{"cat"}, "stdin": "piped"}).json(t)
	require.Equal(t, "0", m["status"])
	require.Equal(t, "piped", result(m)["stdout"])

	// The working directory is the session's file area.
	require.Equal(t, http.StatusOK, e.upload("sh", "", "up.txt", "uploaded").status)
	m = e.exec("sh", map[string]any{"shellCommand": "cat up.txt; echo made > made.txt"}).json(t)
	require.Equal(t, "uploaded", result(m)["stdout"])
	require.Equal(t, "made\n", string(e.do(req{path: "/files/made.txt/content", query: ident("sh")}).body))

	meta := e.do(req{path: "/metadata"}).json(t)
	require.Equal(t, "bash", meta["runtimes"].([]any)[0].(map[string]any)["name"])
	require.NoError(t, e.srv.Close())
	requireNoDescendants(t)
}

// TestShellTimeoutIsCappedByThePool checks that a timeoutInSeconds over the
// pool's maximum is cut to it. Only this command runs under the 1 s cap: on
// a loaded machine an ordinary command's namespace set-up alone can take
// longer than that.
func TestShellTimeoutIsCappedByThePool(t *testing.T) {
	e := newShellEnv(t, func(c *Config) { c.MaxExecutionTimeout = time.Second })
	m := e.exec("sh", map[string]any{"shellCommand": "sleep 30", "timeoutInSeconds": 60}).json(t)
	require.Equal(t, "-1", m["status"])
	require.Contains(t, result(m)["stderr"], runtime.MessageTimedOut)
	require.NoError(t, e.srv.Close())
	requireNoDescendants(t)
}
