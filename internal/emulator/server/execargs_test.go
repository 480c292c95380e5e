package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// execCommandAndArgs is decoded into at most maxExecArgs strings: decoded
// whole, a 64 MiB body of empty strings ("", "", ...) would have made the
// emulator build some 22 million of them, half a GiB, for a command no
// system can start (exec(2) takes at most 6 MiB of arguments, pointers
// included). One more is a 400, before anything runs.
func TestExecCommandArgumentsAreBounded(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.PoolType = PoolTypeShell })
	args := make([]string, maxExecArgs+1)
	args[0] = "echo"
	for i := 1; i < len(args); i++ {
		args[i] = "x"
	}
	over := e.exec("argv", map[string]any{"execCommandAndArgs": args})
	require.Equal(t, http.StatusBadRequest, over.status, "%.300s", over.body)
	require.Equal(t, CodeValidationFailed, over.errorCode(t))
	require.Contains(t, over.json(t)["error"].(map[string]any)["message"], "arguments")

	at := e.exec("argv", map[string]any{"execCommandAndArgs": args[:maxExecArgs]})
	require.Equal(t, http.StatusOK, at.status, "%.300s", at.body)

	for _, body := range []string{`{"execCommandAndArgs":"echo"}`, `{"execCommandAndArgs":[1]}`, `{"execCommandAndArgs":{}}`} {
		r := e.do(req{method: http.MethodPost, path: "/executions", query: ident("argv"), body: strings.NewReader(body), ctype: "application/json"})
		require.Equal(t, http.StatusBadRequest, r.status, "%s: %s", body, r.body)
	}
}
