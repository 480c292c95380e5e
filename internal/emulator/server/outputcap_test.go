package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// TestOutputStreamsMaxLengthBounds: any int32 is accepted, as the spec types
// the field; what the emulator keeps is cut at runtime.MaxOutputLimit;
// past int32 the request is refused.
func TestOutputStreamsMaxLengthBounds(t *testing.T) {
	e := newEnv(t, nil)
	long := strings.Repeat("x", runtime.MaxOutputLimit+1000)
	resp := e.exec("cap", map[string]any{"code": "print " + long, "outputStreamsMaxLength": 2147483647})
	require.Equal(t, http.StatusOK, resp.status, "%.300s", resp.body)
	require.Len(t, result(resp.json(t))["stdout"], runtime.MaxOutputLimit)

	resp = e.exec("cap", map[string]any{"code": "print 1", "outputStreamsMaxLength": 2147483648})
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Equal(t, CodeValidationFailed, resp.errorCode(t))
	require.Contains(t, string(resp.body), "2147483647")
}

// TestExecutionHistoryBytesBounded: finished executions are forgotten
// oldest first while their output exceeds ExecutionHistoryBytes, but the
// newest stays readable however large.
func TestExecutionHistoryBytesBounded(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.ExecutionHistoryBytes = 1000 })
	var ids []string
	for range 3 {
		m := e.run("bytes", "print "+strings.Repeat("y", 600))
		ids = append(ids, m["id"].(string))
	}
	for i, want := range []int{http.StatusNotFound, http.StatusNotFound, http.StatusOK} {
		require.Equal(t, want, e.do(req{path: "/executions/" + ids[i], query: ident("bytes")}).status, "execution %d", i)
	}
	m := e.exec("bytes", map[string]any{"code": "print " + strings.Repeat("z", 5000), "outputStreamsMaxLength": 10000}).json(t)
	require.Equal(t, http.StatusOK, e.do(req{path: "/executions/" + m["id"].(string), query: ident("bytes")}).status)
	require.Equal(t, http.StatusNotFound, e.do(req{path: "/executions/" + ids[2], query: ident("bytes")}).status)
}
