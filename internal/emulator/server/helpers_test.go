package server

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const testVersion = V20251002Preview

// env is a server under test with a plain net/http client.
type env struct {
	t       testing.TB
	srv     *Server
	http    *httptest.Server
	factory *fakeFactory
	token   string
}

// newEnv starts a server over a fake runtime. mod may adjust the config.
func newEnv(t testing.TB, mod func(*Config)) *env {
	t.Helper()
	f := newFakeFactory()
	cfg := Config{Factory: f, Root: t.TempDir()}
	if mod != nil {
		mod(&cfg)
	}
	if cfg.Factory == nil {
		cfg.Factory = f
	}
	s, err := New(cfg)
	require.NoError(t, err)
	hs := httptest.NewServer(s)
	e := &env{t: t, srv: s, http: hs, factory: f, token: "test-token"}
	t.Cleanup(func() {
		hs.Close()
		require.NoError(t, s.Close())
	})
	return e
}

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

// errorCode returns the error code, checking the header and the body agree.
func (r response) errorCode(t testing.TB) string {
	t.Helper()
	m := r.json(t)
	e, ok := m["error"].(map[string]any)
	require.True(t, ok, "no error object in %s", r.body)
	require.NotEmpty(t, e["message"])
	require.Equal(t, r.header.Get("x-ms-error-code"), e["code"])
	return e["code"].(string)
}

// req describes a request; zero fields get defaults (api-version,
// Authorization).
type req struct {
	method  string
	path    string // may hold a query string
	query   url.Values
	body    io.Reader
	ctype   string
	header  map[string]string
	noAuth  bool
	version string // "-" for none
}

func (e *env) do(r req) response {
	e.t.Helper()
	u, err := url.Parse(e.http.URL + r.path)
	require.NoError(e.t, err)
	q := u.Query()
	for k, v := range r.query {
		q[k] = v
	}
	switch r.version {
	case "":
		if q.Get("api-version") == "" {
			q.Set("api-version", testVersion)
		}
	case "-":
	default:
		q.Set("api-version", r.version)
	}
	u.RawQuery = q.Encode()
	if r.method == "" {
		r.method = http.MethodGet
	}
	hr, err := http.NewRequest(r.method, u.String(), r.body)
	require.NoError(e.t, err)
	if !r.noAuth {
		hr.Header.Set("Authorization", "Bearer "+e.token)
	}
	if r.ctype != "" {
		hr.Header.Set("Content-Type", r.ctype)
	}
	for k, v := range r.header {
		hr.Header.Set(k, v)
	}
	resp, err := e.http.Client().Do(hr)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(e.t, err)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func ident(id string) url.Values { return url.Values{"identifier": {id}} }

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

// exec runs code synchronously in session id and returns the response.
func (e *env) exec(id string, body map[string]any, header ...map[string]string) response {
	e.t.Helper()
	r := req{method: http.MethodPost, path: "/executions", query: ident(id), body: jsonBody(body), ctype: "application/json"}
	if len(header) > 0 {
		r.header = header[0]
	}
	return e.do(r)
}

// run runs code and returns the decoded body, requiring 200.
func (e *env) run(id, code string) map[string]any {
	e.t.Helper()
	resp := e.exec(id, map[string]any{"codeInputType": "Inline", "executionType": "Synchronous", "code": code})
	require.Equal(e.t, http.StatusOK, resp.status, "body: %s", resp.body)
	return resp.json(e.t)
}

func result(m map[string]any) map[string]any {
	r, _ := m["result"].(map[string]any)
	return r
}

// multipartBody builds an upload body with one part per (field, filename,
// content) triple.
func multipartBody(t testing.TB, parts ...[3]string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, p := range parts {
		if p[1] == "" {
			require.NoError(t, w.WriteField(p[0], p[2]))
			continue
		}
		h := make(map[string][]string)
		h["Content-Disposition"] = []string{`form-data; name="` + p[0] + `"; filename="` + strings.ReplaceAll(p[1], `"`, `\"`) + `"`}
		h["Content-Type"] = []string{"application/octet-stream"}
		pw, err := w.CreatePart(h)
		require.NoError(t, err)
		_, err = io.WriteString(pw, p[2])
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	return &buf, w.FormDataContentType()
}

// upload stores content as name (under path when set) in session id.
func (e *env) upload(id, path, name, content string) response {
	e.t.Helper()
	body, ct := multipartBody(e.t, [3]string{"file", name, content})
	q := ident(id)
	if path != "" {
		q.Set("path", path)
	}
	return e.do(req{method: http.MethodPost, path: "/files", query: q, body: body, ctype: ct})
}

// sessionWith uploads name (under path when set) to session id, which
// makes the session, and returns the session's directory on disk, for a
// test that then puts there what no request could.
func (e *env) sessionWith(id, path, name, content string) string {
	e.t.Helper()
	resp := e.upload(id, path, name, content)
	require.Equal(e.t, http.StatusOK, resp.status, "%s", resp.body)
	return e.sessionDir(id)
}

// eventually polls cond until it holds; the limit only guards against a
// hang and is never a timing assertion. It is long: some conditions wait
// for an interpreter to start, which on a loaded machine took tens of
// seconds.
func eventually(t testing.TB, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func httpServer(t testing.TB, h http.Handler) *httptest.Server {
	hs := httptest.NewServer(h)
	t.Cleanup(hs.Close)
	return hs
}
