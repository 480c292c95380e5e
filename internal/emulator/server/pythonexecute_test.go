package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// pythonExecute posts to the first preview's route as LlamaIndex's
// TypeScript tool does: identifier and pythonCode in the body.
func (e *env) pythonExecute(q url.Values, props map[string]any) response {
	e.t.Helper()
	return e.do(req{method: http.MethodPost, path: "/python/execute", query: q, version: V20240202Preview,
		body: jsonBody(map[string]any{"properties": props}), ctype: "application/json"})
}

func TestPythonExecuteRoute(t *testing.T) {
	e := newEnv(t, nil)
	props := func(id, code string) map[string]any {
		return map[string]any{"identifier": id, "codeInputType": "inline", "executionType": "synchronous", "pythonCode": code}
	}

	// The flat answer, with the values the legacy route gives.
	resp := e.pythonExecute(nil, props("llama", "set x 6\nprint hi\nvalue 42 42"))
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	m := resp.json(t)
	require.Equal(t, map[string]any{"status": "Success", "stdout": "hi\n", "stderr": "", "result": float64(42), "executionTimeInMilliseconds": m["executionTimeInMilliseconds"]}, m)
	require.NotEmpty(t, resp.header.Get(HeaderOperationID))
	require.NotEmpty(t, resp.header.Get(HeaderSessionGUID))

	// The body's identifier named a session the other routes see.
	require.Equal(t, "'6'", result(e.run("llama", "get x"))["executionResult"])

	// Print-only code gives "" (not null), a failure gives Failure with the
	// traceback in stderr and a null result.
	m = e.pythonExecute(nil, props("llama", "print only")).json(t)
	require.Equal(t, "", m["result"])
	m = e.pythonExecute(nil, props("llama", "raise ValueError: no")).json(t)
	require.Equal(t, "Failure", m["status"])
	require.Nil(t, m["result"])
	require.Contains(t, m["stderr"], "ValueError")

	// The identifier may come in the query instead, and both must agree.
	p := props("", "value 1 1")
	delete(p, "identifier")
	resp = e.pythonExecute(ident("llama"), p)
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	resp = e.pythonExecute(ident("other"), props("llama", "value 1 1"))
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Equal(t, CodeValidationFailed, resp.errorCode(t))
	resp = e.pythonExecute(ident("llama"), props("llama", "value 1 1"))
	require.Equal(t, http.StatusOK, resp.status)

	// Bad requests.
	for _, bad := range []struct {
		props map[string]any
		code  string
	}{
		{map[string]any{"pythonCode": "print x"}, CodeValidationFailed},                            // no identifier
		{map[string]any{"identifier": "bad\x01id", "pythonCode": "print x"}, CodeValidationFailed}, // control character
		{map[string]any{"identifier": "llama"}, CodePropertiesMissing},                             // no code
		{map[string]any{"identifier": "llama", "pythonCode": "x", "codeInputType": "weird"}, CodeValidationFailed},
	} {
		resp := e.pythonExecute(nil, bad.props)
		require.Equal(t, http.StatusBadRequest, resp.status, "%v: %s", bad.props, resp.body)
		require.Equal(t, bad.code, resp.errorCode(t), "%v", bad.props)
	}
	resp = e.do(req{method: http.MethodPost, path: "/python/execute", version: V20240202Preview, body: strings.NewReader(`{"pythonCode":"x"}`), ctype: "application/json"})
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Equal(t, CodePropertiesMissing, resp.errorCode(t))

	// Only the legacy versions have the route.
	resp = e.do(req{method: http.MethodPost, path: "/python/execute", version: V20251002Preview, body: jsonBody(map[string]any{"properties": props("llama", "x")}), ctype: "application/json"})
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Equal(t, CodeRequestNotSupported, resp.errorCode(t))
}

func TestPythonExecuteRouteOnAShellPool(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.PoolType = PoolTypeShell })
	resp := e.pythonExecute(nil, map[string]any{"identifier": "sh", "pythonCode": "print(1)"})
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Equal(t, CodeRequestNotSupported, resp.errorCode(t))
}

// Synchronous executions carry Operation-Location too, pointing at a
// record that GET answers.
func TestSynchronousExecutionHasOperationLocation(t *testing.T) {
	e := newEnv(t, nil)
	resp := e.exec("loc", map[string]any{"code": "value 7 7"})
	require.Equal(t, http.StatusOK, resp.status)
	loc := resp.header.Get(HeaderOperationLocation)
	require.NotEmpty(t, loc)
	u, err := url.Parse(loc)
	require.NoError(t, err)
	require.Equal(t, "/executions/"+resp.json(t)["id"].(string), u.Path)
	require.Equal(t, "loc", u.Query().Get("identifier"))
	require.Equal(t, testVersion, u.Query().Get("api-version"))
	got := e.do(req{path: u.Path, query: u.Query()})
	require.Equal(t, http.StatusOK, got.status, "%s", got.body)
	require.Equal(t, "Succeeded", got.json(t)["status"])
}
