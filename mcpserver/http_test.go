package mcpserver_test

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

const testToken = "test-token-0123456789"

// serveHTTP serves f's server over streamable HTTP with testToken.
func serveHTTP(t *testing.T, f *fixture) *httptest.Server {
	t.Helper()
	h, err := f.srv.HTTPHandler(mcpserver.HTTPOptions{Token: testToken})
	require.NoError(t, err)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

// bearer adds an Authorization header to every request.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

func connectHTTP(t *testing.T, url, token string) (*mcp.ClientSession, error) {
	t.Helper()
	transport := &mcp.StreamableClientTransport{
		Endpoint:   url,
		HTTPClient: &http.Client{Transport: bearer{token, http.DefaultTransport}},
		MaxRetries: -1,
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "http-test", Version: "1"}, nil).Connect(testContext(t), transport, nil)
	if err == nil {
		t.Cleanup(func() { _ = cs.Close() })
	}
	return cs, err
}

func TestHTTPServesToolsAndImages(t *testing.T) {
	f := newFixture(t, "", nil)
	ts := serveHTTP(t, f)
	cs, err := connectHTTP(t, ts.URL, testToken)
	require.NoError(t, err)

	tools, err := cs.ListTools(testContext(t), nil)
	require.NoError(t, err)
	assert.Len(t, tools.Tools, len(f.srv.Toolkit().Definitions())+1)
	require.NotEmpty(t, tools.Tools)
	assert.Equal(t, agenttool.ToolRunPython, tools.Tools[0].Name, "over HTTP too, the run tool is listed first")

	res := call(t, cs, agenttool.ToolRunPython, map[string]any{"code": pngCode("chart.png")})
	require.False(t, res.IsError, text(res))
	require.Len(t, res.Content, 2, text(res))
	img, ok := res.Content[1].(*mcp.ImageContent)
	require.True(t, ok)
	assert.Equal(t, "image/png", img.MIMEType)
	assert.True(t, bytes.HasPrefix(img.Data, pngSignature))

	res = call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "raise ValueError('nope')"})
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "ValueError")

	_, err = cs.CallTool(testContext(t), &mcp.CallToolParams{Name: "nope", Arguments: map[string]any{}})
	require.Error(t, err)
	res = call(t, cs, agenttool.ToolRunPython, map[string]any{"code": 1})
	assert.True(t, res.IsError)
	res = call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "print('alive')"})
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "alive")
}

func TestHTTPRequiresTheToken(t *testing.T) {
	f := newFixture(t, "", nil)
	ts := serveHTTP(t, f)
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}`
	for _, c := range []struct{ name, header string }{
		{"missing", ""},
		{"wrong", "Bearer not-the-token"},
		{"prefix of the token", "Bearer " + testToken[:5]},
		{"not bearer", "Basic " + testToken},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			if c.header != "" {
				req.Header.Set("Authorization", c.header)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
			assert.Contains(t, resp.Header.Get("WWW-Authenticate"), "Bearer")
		})
	}
	_, err := connectHTTP(t, ts.URL, "wrong")
	require.Error(t, err, "an SDK client with a wrong token cannot connect")

	_, err = f.srv.HTTPHandler(mcpserver.HTTPOptions{})
	assert.ErrorContains(t, err, "Token")
	_, err = f.srv.HTTPHandler(mcpserver.HTTPOptions{Token: "two words"})
	assert.ErrorContains(t, err, "white space")
}

func TestHTTPRefusesRebindingAndCrossOrigin(t *testing.T) {
	f := newFixture(t, "", nil)
	ts := serveHTTP(t, f)
	body := `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`
	for _, c := range []struct {
		name   string
		header map[string]string
	}{
		{"another host name", map[string]string{"Host": "attacker.example"}},
		{"cross-origin browser request", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://attacker.example"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodPost, ts.URL, strings.NewReader(body))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json, text/event-stream")
			req.Header.Set("Authorization", "Bearer "+testToken)
			for k, v := range c.header {
				if k == "Host" {
					req.Host = v
				} else {
					req.Header.Set(k, v)
				}
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		})
	}
}

func TestHTTPSessionsAreSeparateAndDeletedAtTheEnd(t *testing.T) {
	f := newFixture(t, "", nil)
	ts := serveHTTP(t, f)
	a, err := connectHTTP(t, ts.URL, testToken)
	require.NoError(t, err)
	b, err := connectHTTP(t, ts.URL, testToken)
	require.NoError(t, err)

	require.False(t, call(t, a, agenttool.ToolRunPython, map[string]any{"code": "mine = 1"}).IsError)
	res := call(t, b, agenttool.ToolRunPython, map[string]any{"code": "mine"})
	assert.True(t, res.IsError, "each HTTP MCP session has its own sandbox")
	ids := f.logs.attrs("tool call", "session")
	require.Len(t, ids, 2)
	assert.NotEqual(t, ids[0], ids[1])
	require.Subset(t, f.liveSessions(t), ids)

	require.NoError(t, a.Close()) // sends DELETE
	f.logs.waitFor(t, "MCP session ended; sandbox deleted", "session", ids[0])
	live := f.liveSessions(t)
	assert.NotContains(t, live, ids[0])
	assert.Contains(t, live, ids[1], "the other client's sandbox stays")
}

func TestHTTPIdleSessionIsClosedAndItsSandboxDeleted(t *testing.T) {
	f := newFixture(t, "", nil)
	h, err := f.srv.HTTPHandler(mcpserver.HTTPOptions{Token: testToken, SessionTimeout: 3 * time.Second})
	require.NoError(t, err)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	id := callBeforeIdleTimeout(t, f, ts.URL)
	// The client goes quiet without ending its session.
	f.logs.waitFor(t, "MCP session ended; sandbox deleted", "session", id)
	assert.NotContains(t, f.liveSessions(t), id)
}

// callBeforeIdleTimeout connects to url and makes a run_python call,
// returning the session the call was logged with. The idle timeout runs
// between a client's requests (initialize, initialized, the call): on a
// loaded machine a gap between two of them can outlast a short one, which
// closes the session before the call. Such a try is repeated on a new
// connection; tries are counted, not timed.
func callBeforeIdleTimeout(t *testing.T, f *fixture, url string) string {
	t.Helper()
	for try := 1; ; try++ {
		cs, err := connectHTTP(t, url, testToken)
		if err == nil {
			var res *mcp.CallToolResult
			res, err = cs.CallTool(testContext(t), &mcp.CallToolParams{Name: agenttool.ToolRunPython, Arguments: map[string]any{"code": "1"}})
			if err == nil {
				require.False(t, res.IsError, text(res))
				ids := f.logs.attrs("tool call", "session")
				require.NotEmpty(t, ids)
				return ids[len(ids)-1] // the tries are one after another
			}
		}
		if try == 5 {
			t.Fatalf("%d tries closed before their call: %v", try, err)
		}
		t.Logf("try %d: the session ended before the call: %v", try, err)
	}
}

func TestHTTPUploadAtTheToolkitLimitReachesTheToolkit(t *testing.T) {
	f := newFixture(t, "", nil)
	ts := serveHTTP(t, f)
	cs, err := connectHTTP(t, ts.URL, testToken)
	require.NoError(t, err)
	// 4 MiB + 1 byte in base64: the toolkit refuses it with a sentence the
	// model can act on; the transport does not cut the request first.
	content := base64.StdEncoding.EncodeToString(make([]byte, 4<<20+1))
	res := call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": "big.bin", "content": content, "encoding": "base64"})
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "4194304")
	res = call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": "ok.bin", "content": base64.StdEncoding.EncodeToString(make([]byte, 3<<20)), "encoding": "base64"})
	require.False(t, res.IsError, text(res))
}
