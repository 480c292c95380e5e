package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAuthorization(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Token = "secret" })
	cases := map[string]map[string]string{
		"missing":      nil,
		"basic":        {"Authorization": "Basic dXNlcjpwYXNz"},
		"empty bearer": {"Authorization": "Bearer "},
		"no token":     {"Authorization": "Bearer"},
		"wrong token":  {"Authorization": "Bearer other"},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			resp := e.do(req{path: "/files", query: ident("a"), noAuth: true, header: h})
			require.Equal(t, http.StatusUnauthorized, resp.status)
			require.Equal(t, CodeUnauthorized, resp.errorCode(t))
			require.Equal(t, "Bearer", resp.header.Get("WWW-Authenticate"))
		})
	}
	// Unknown routes are not disclosed to unauthenticated callers either.
	resp := e.do(req{path: "/nowhere", noAuth: true})
	require.Equal(t, http.StatusUnauthorized, resp.status)

	resp = e.do(req{path: "/files", query: ident("a"), noAuth: true, header: map[string]string{"Authorization": "bearer secret"}})
	require.Equal(t, http.StatusOK, resp.status, "the scheme is case-insensitive: %s", resp.body)
}

func TestAnyBearerTokenWithoutConfiguredToken(t *testing.T) {
	e := newEnv(t, nil)
	e.token = "anything-at-all"
	require.Equal(t, http.StatusOK, e.do(req{path: "/files", query: ident("a")}).status)
}

func TestRoutingErrors(t *testing.T) {
	e := newEnv(t, nil)

	resp := e.do(req{path: "/nowhere", query: ident("a")})
	require.Equal(t, http.StatusNotFound, resp.status)
	require.Equal(t, CodeNotFound, resp.errorCode(t))

	resp = e.do(req{method: http.MethodPut, path: "/executions", query: ident("a")})
	require.Equal(t, http.StatusMethodNotAllowed, resp.status)
	require.Equal(t, CodeMethodNotAllowed, resp.errorCode(t))
	require.Equal(t, "POST", resp.header.Get("Allow"))

	resp = e.do(req{method: http.MethodPatch, path: "/files/x", query: ident("a")})
	require.Equal(t, http.StatusMethodNotAllowed, resp.status)
	require.Contains(t, resp.header.Get("Allow"), "DELETE")
}

func TestAPIVersion(t *testing.T) {
	e := newEnv(t, nil)
	for _, v := range []string{"-", "2023-08-01-preview", "2025-99-99", "latest"} {
		resp := e.do(req{path: "/files", query: ident("a"), version: v})
		require.Equal(t, http.StatusBadRequest, resp.status, v)
		require.Equal(t, CodeValidationFailed, resp.errorCode(t), v)
	}
	for _, v := range []string{V20241002Preview, V20250202Preview, V20251002Preview} {
		require.Equal(t, http.StatusOK, e.do(req{path: "/files", query: ident("a"), version: v}).status, v)
	}
	// Routes that the version does not have.
	for _, tc := range []struct{ method, path, version string }{
		{http.MethodGet, "/session", V20241002Preview},
		{http.MethodGet, "/listSessions", V20241002Preview},
		{http.MethodGet, "/metadata", V20241002Preview},
		{http.MethodPost, "/code/execute", V20251002Preview},
		{http.MethodPost, "/files/upload", V20251002Preview},
		{http.MethodPost, "/executions", V20240202Preview},
		{http.MethodGet, "/files/x/content", V20240802Preview},
	} {
		resp := e.do(req{method: tc.method, path: tc.path, query: ident("a"), version: tc.version, body: strings.NewReader("{}")})
		require.Equal(t, http.StatusBadRequest, resp.status, "%+v: %s", tc, resp.body)
		require.Equal(t, CodeRequestNotSupported, resp.errorCode(t), "%+v", tc)
	}
}

func TestIdentifierValidation(t *testing.T) {
	e := newEnv(t, nil)
	bad := []url.Values{
		nil,
		{"identifier": {""}},
		{"identifier": {strings.Repeat("x", 257)}},
		{"identifier": {"tab\there"}},
		{"identifier": {"nul\x00"}},
		{"identifier": {"\xff\xfe"}},
	}
	for _, q := range bad {
		for _, path := range []string{"/files", "/executions/x", "/session"} {
			resp := e.do(req{path: path, query: q})
			require.Equal(t, http.StatusBadRequest, resp.status, "%q %s", q, path)
			require.Equal(t, CodeValidationFailed, resp.errorCode(t))
		}
	}
	for _, id := range []string{"a", strings.Repeat("x", 256), "rent-calc-1b4f", "spaces and | - & ^ % $ # ( ) { } [ ] ; < >", "ünïcödé/?=&"} {
		resp := e.do(req{path: "/files", query: ident(id)})
		require.Equal(t, http.StatusOK, resp.status, "%q: %s", id, resp.body)
	}
	// Pool-wide operations need no identifier.
	require.Equal(t, http.StatusOK, e.do(req{path: "/listSessions"}).status)
	require.Equal(t, http.StatusOK, e.do(req{path: "/metadata"}).status)
}

// syncBuffer is a log destination safe for concurrent writes and reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRequestLogNeverHoldsSecrets(t *testing.T) {
	var log syncBuffer
	e := newEnv(t, func(c *Config) { c.Log = &log })
	e.token = "very-secret-token"
	e.run("logged-session", "print code-text-here")
	e.upload("logged-session", "", "notes.txt", "file-contents-here")
	e.do(req{path: "/nowhere"})
	e.srv.logger.flush(0)

	out := log.String()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3, out)
	require.Contains(t, lines[0], "POST /executions 200 ")
	require.Contains(t, lines[1], "POST /files 200 ")
	require.Contains(t, lines[2], "GET /nowhere 404 ")
	for _, secret := range []string{"very-secret-token", "code-text-here", "file-contents-here", "logged-session", "api-version", "?"} {
		require.NotContains(t, out, secret)
	}
}

// A path is logged as it travels in a URL, escaped: a name holding a line
// break cannot forge a log line, nor an escape sequence reach the terminal.
func TestRequestLogEscapesThePath(t *testing.T) {
	var log syncBuffer
	e := newEnv(t, func(c *Config) { c.Log = &log })
	forged := "2026-01-01T00:00:00Z DELETE /session 204 1ms"
	e.do(req{path: "/files/a%0A" + url.PathEscape(forged), query: ident("log")})
	e.do(req{path: "/files/b%1B%5B31mred", query: ident("log")})
	e.srv.logger.flush(0)

	out := log.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, 2, "%q", out)
	require.NotContains(t, out, "\x1b", "an escape sequence reached the log")
	require.Contains(t, lines[0], "GET /files/a%0A")
	require.Contains(t, lines[1], "GET /files/b%1B")
}
