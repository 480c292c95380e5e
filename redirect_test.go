package azsessions_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// elsewhere is a server a redirect points to. It records what reached it,
// which must be nothing.
type elsewhere struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newElsewhere(t *testing.T, tls bool) *elsewhere {
	e := &elsewhere{}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		e.mu.Lock()
		e.seen = append(e.seen, r.Method+" "+r.URL.Path+" auth="+r.Header.Get("Authorization")+" body="+string(body))
		e.mu.Unlock()
		// An answer the SDK must never take for the service's.
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id":"evil","status":"Succeeded","result":{"stdout":"from elsewhere"},"name":"evil.txt","type":"file"}`)
	})
	if tls {
		e.Server = httptest.NewTLSServer(h)
	} else {
		e.Server = httptest.NewServer(h)
	}
	t.Cleanup(e.Close)
	return e
}

func (e *elsewhere) requests() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.seen...)
}

// redirector answers every request with status and a Location on target.
func redirector(status int, target func() string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		http.Redirect(w, r, target()+r.URL.RequestURI(), status)
	}
}

// redirectedCalls are the calls each redirect test makes: one that runs
// code, one that uploads a file, one GET.
var redirectedCalls = map[string]func(context.Context, *azsessions.Client) error{
	"Execute": func(ctx context.Context, c *azsessions.Client) error {
		_, err := c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("secret_code()"), nil)
		return err
	},
	"Upload": func(ctx context.Context, c *azsessions.Client) error {
		_, err := c.NewFilesClient().Upload(ctx, "s1", "f.txt", bytes.NewReader([]byte("secret file")), nil)
		return err
	},
	"Get": func(ctx context.Context, c *azsessions.Client) error {
		_, err := c.NewFilesClient().Get(ctx, "s1", "f.txt", nil)
		return err
	},
}

// TestRedirectsAreNeverFollowed points the endpoint's answers elsewhere
// (another port, https to http, another host name) with the default
// transport and with an *http.Client: the call fails with the 3xx as an
// *azcore.ResponseError, and the other server never sees the token, the
// code or the file.
func TestRedirectsAreNeverFollowed(t *testing.T) {
	type setup struct {
		endpointTLS bool
		targetTLS   bool
		host        string // the target's host name, when not 127.0.0.1
		client      bool   // ClientOptions.Transport = the endpoint's *http.Client
	}
	setups := map[string]setup{
		"default transport, another port":   {},
		"default transport, another host":   {host: "localhost"},
		"http.Client, another port":         {endpointTLS: true, targetTLS: true, client: true},
		"http.Client, https to http":        {endpointTLS: true, client: true},
		"http.Client, another host":         {endpointTLS: true, targetTLS: true, host: "localhost", client: true},
		"http.Client plain, another port":   {client: true},
		"default transport, 308 is refused": {},
	}
	for name, s := range setups {
		for callName, call := range redirectedCalls {
			t.Run(name+"/"+callName, func(t *testing.T) {
				target := newElsewhere(t, s.targetTLS)
				targetURL := target.URL
				if s.host != "" {
					targetURL = strings.Replace(targetURL, "127.0.0.1", s.host, 1)
				}
				status := http.StatusTemporaryRedirect
				if strings.Contains(name, "308") {
					status = http.StatusPermanentRedirect
				}
				h := redirector(status, func() string { return targetURL })
				var endpoint *httptest.Server
				if s.endpointTLS {
					endpoint = httptest.NewTLSServer(h)
				} else {
					endpoint = httptest.NewServer(h)
				}
				t.Cleanup(endpoint.Close)
				opts := &azsessions.ClientOptions{}
				opts.InsecureAllowCredentialWithHTTP = !s.endpointTLS
				if s.client {
					// The test servers share one certificate, so this
					// client would trust the target too.
					opts.Transport = endpoint.Client()
				}
				client, err := azsessions.NewClient(endpoint.URL+poolPath, &scopeCredential{}, opts)
				require.NoError(t, err)

				err = call(context.Background(), client)
				var re *azcore.ResponseError
				require.True(t, errors.As(err, &re), "want the redirect as a ResponseError, got %v", err)
				require.Equal(t, status, re.StatusCode)
				require.Empty(t, target.requests(), "the redirect target received the request")
			})
		}
	}
}

// TestHTTPClientWithRedirectsKeepsThem checks that the SDK does not change
// the caller's *http.Client, which other code may use.
func TestHTTPClientWithRedirectsKeepsThem(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	hc := srv.Client()
	opts := &azsessions.ClientOptions{}
	opts.Transport = hc
	_, err := azsessions.NewClient(srv.URL, &scopeCredential{}, opts)
	require.NoError(t, err)
	require.Nil(t, hc.CheckRedirect)
}

// followingTransport is a policy.Transporter of the caller's own that
// follows redirects.
type followingTransport struct{ client *http.Client }

func (f followingTransport) Do(req *http.Request) (*http.Response, error) { return f.client.Do(req) }

// TestAnswerThroughAFollowedRedirectIsRefused uses a transporter that
// follows redirects, which the SDK cannot stop: it refuses the answer that
// came from elsewhere with ErrRedirectFollowed, and does not retry.
func TestAnswerThroughAFollowedRedirectIsRefused(t *testing.T) {
	for callName, call := range redirectedCalls {
		t.Run(callName, func(t *testing.T) {
			target := newElsewhere(t, true)
			endpoint := httptest.NewTLSServer(redirector(http.StatusTemporaryRedirect, func() string { return target.URL }))
			t.Cleanup(endpoint.Close)
			opts := &azsessions.ClientOptions{}
			opts.Transport = followingTransport{client: endpoint.Client()}
			client, err := azsessions.NewClient(endpoint.URL+poolPath, &scopeCredential{}, opts)
			require.NoError(t, err)

			err = call(context.Background(), client)
			require.ErrorIs(t, err, azsessions.ErrRedirectFollowed)
			require.Len(t, target.requests(), 1, "the refused answer is not fetched again")
		})
	}
}
