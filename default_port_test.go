package azsessions_test

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// clientAt returns a client for endpoint whose every connection goes to a
// TLS server running h, whatever host and port the URL names.
func clientAt(t *testing.T, endpoint string, h http.HandlerFunc) *azsessions.Client {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}
	tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // the test certificate names no pool.example
	c, err := azsessions.NewClient(endpoint, &scopeCredential{}, &azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: &http.Client{Transport: tr}}})
	require.NoError(t, err)
	return c
}

// TestLinksWithTheDefaultPortAreOnTheEndpointsHost: https://pool.example
// and https://pool.example:443 are one origin, which receives the token
// either way. A service link that names the default port, or an endpoint
// that does, was refused with ErrUntrustedURL: BeginExecute failed after
// the service had started the code, and a listing stopped at its second
// page.
func TestLinksWithTheDefaultPortAreOnTheEndpointsHost(t *testing.T) {
	for _, tc := range []struct{ endpoint, link string }{
		{"https://pool.example/pool", "https://pool.example:443/pool"},
		{"https://pool.example:443/pool", "https://pool.example/pool"},
		{"https://POOL.example:443/pool", "https://pool.EXAMPLE:443/pool"},
	} {
		c := clientAt(t, tc.endpoint, func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/pool/executions":
				w.Header().Set("Operation-Location", tc.link+"/executions/e1")
				reply(http.StatusAccepted, []byte(`{"id":"e1","status":"Running"}`))(w, r)
			case "/pool/executions/e1":
				reply(http.StatusOK, []byte(`{"id":"e1","status":"Succeeded","result":{"stdout":"done"}}`))(w, r)
			case "/pool/files":
				if r.URL.Query().Get("page") == "" {
					reply(http.StatusOK, []byte(`{"value":[{"name":"a"}],"nextLink":"`+tc.link+`/files?page=2"}`))(w, r)
					return
				}
				reply(http.StatusOK, []byte(`{"value":[{"name":"b"}]}`))(w, r)
			default:
				http.NotFound(w, r)
			}
		})
		poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
		require.NoError(t, err, tc)
		resp, err := poller.PollUntilDone(context.Background(), fastPolling)
		require.NoError(t, err, tc)
		require.Equal(t, "done", *resp.Result.Stdout)

		pager := c.NewFilesClient().NewListPager("s1", nil)
		var names []string
		for pager.More() {
			page, err := pager.NextPage(context.Background())
			require.NoError(t, err, tc)
			for _, f := range page.Value {
				names = append(names, *f.Name)
			}
		}
		require.Equal(t, []string{"a", "b"}, names)
	}
}
