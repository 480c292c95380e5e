package azsessions_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// poolPath is the path part of a real pool endpoint; tests serve under it so
// that a request built without it fails loudly.
const poolPath = "/subscriptions/sub/resourceGroups/rg/sessionPools/pool"

// seenRequest is what the test server received.
type seenRequest struct {
	Method  string
	Path    string // escaped, relative to poolPath
	Query   map[string][]string
	Header  http.Header
	Body    []byte
	RawPath string
}

// recordingServer is a loopback TLS server that records requests and
// answers with the test's handler.
type recordingServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

func (s *recordingServer) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

func (s *recordingServer) last(t *testing.T) seenRequest {
	t.Helper()
	reqs := s.requests()
	require.NotEmpty(t, reqs, "the server got no request")
	return reqs[len(reqs)-1]
}

// scopeCredential hands out a fixed token and remembers the scopes asked.
type scopeCredential struct {
	mu     sync.Mutex
	scopes []string
}

func (c *scopeCredential) GetToken(_ context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.scopes = append(c.scopes, opts.Scopes...)
	return azcore.AccessToken{Token: "test-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// newRecordedClient starts a server running h and returns a client for it.
// opts may be nil; its Transport is replaced by the server's client.
func newRecordedClient(t *testing.T, h http.HandlerFunc, opts *azsessions.ClientOptions) (*azsessions.Client, *recordingServer) {
	t.Helper()
	rs := &recordingServer{}
	rs.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rs.mu.Lock()
		rs.seen = append(rs.seen, seenRequest{
			Method:  r.Method,
			Path:    strings.TrimPrefix(r.URL.EscapedPath(), poolPath),
			RawPath: r.URL.EscapedPath(),
			Query:   r.URL.Query(),
			Header:  r.Header.Clone(),
			Body:    body,
		})
		rs.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		h(w, r)
	}))
	t.Cleanup(rs.Close)
	if opts == nil {
		opts = &azsessions.ClientOptions{}
	}
	opts.Transport = rs.Client()
	if opts.Retry.RetryDelay == 0 {
		opts.Retry.RetryDelay = time.Millisecond
		opts.Retry.MaxRetryDelay = 10 * time.Millisecond
	}
	client, err := azsessions.NewClient(rs.URL+poolPath, &scopeCredential{}, opts)
	require.NoError(t, err)
	return client, rs
}

// testdata reads a recorded body.
func testdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// reply answers with status, JSON body and extra headers.
func reply(status int, body []byte, header ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		if len(body) > 0 && w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}
}

func unescapePath(t *testing.T, s string) string {
	t.Helper()
	u, err := url.PathUnescape(s)
	require.NoError(t, err)
	return u
}

// twoPages answers the requests isPage2 picks with the testdata file page2,
// and the others with page1, whose NEXTLINK becomes the server's URL
// followed by the pool path and next.
func twoPages(t *testing.T, isPage2 func(*http.Request) bool, page1, page2, next string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if isPage2(r) {
			reply(http.StatusOK, testdata(t, page2))(w, r)
			return
		}
		link := "https://" + r.Host + poolPath + next
		reply(http.StatusOK, bytes.Replace(testdata(t, page1), []byte("NEXTLINK"), []byte(link), 1))(w, r)
	}
}
