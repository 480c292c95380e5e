package azsessions_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

func TestNewClientRejectsBadEndpoints(t *testing.T) {
	for _, endpoint := range []string{
		"",
		"pool.example.com",
		"/relative/path",
		"ftp://pool.example.com",
		"https://pool.example.com/?api-version=2025-10-02-preview",
		"https://pool.example.com/?",
		"https://pool.example.com/#frag",
		"https://user:pass@pool.example.com",
		"https://%zz",
	} {
		_, err := azsessions.NewClient(endpoint, &scopeCredential{}, nil)
		require.ErrorIs(t, err, azsessions.ErrInvalidEndpoint, "endpoint %q", endpoint)
	}
}

func TestNewClientRefusesANilCredential(t *testing.T) {
	const endpoint = "https://eastus.dynamicsessions.io/subscriptions/s/resourceGroups/r/sessionPools/p"
	var typedNil *scopeCredential
	for name, cred := range map[string]azcore.TokenCredential{"nil": nil, "typed nil pointer": typedNil} {
		c, err := azsessions.NewClient(endpoint, cred, nil)
		require.ErrorIs(t, err, azsessions.ErrInvalidArgument, name)
		require.ErrorContains(t, err, "credential is nil", name)
		require.Nil(t, c, name)
	}
}

func TestClientOptionsAPIVersionTakesTheConstants(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts azsessions.ClientOptions
		want string
	}{
		{"constant", azsessions.ClientOptions{APIVersion: azsessions.APIVersion20250202Preview}, "2025-02-02-preview"},
		{"any version string", azsessions.ClientOptions{APIVersion: "2099-01-01"}, "2099-01-01"},
		{"embedded azcore field", azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{APIVersion: "2024-10-02-preview"}}, "2024-10-02-preview"},
		{"both: ours wins", azsessions.ClientOptions{APIVersion: azsessions.APIVersion20250202Preview, ClientOptions: azcore.ClientOptions{APIVersion: "2024-10-02-preview"}}, "2025-02-02-preview"},
		{"neither: the default", azsessions.ClientOptions{}, string(azsessions.APIVersion20251002Preview)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			c, srv := newRecordedClient(t, reply(http.StatusNoContent, nil), &opts)
			_, err := c.NewFilesClient().Delete(context.Background(), "s1", "a.txt", nil)
			require.NoError(t, err)
			require.Equal(t, []string{tc.want}, srv.last(t).Query["api-version"])
			require.Equal(t, azsessions.APIVersion(tc.want), c.APIVersion(), "APIVersion says what is sent")
		})
	}
}

func TestNewClientAcceptsTrailingSlash(t *testing.T) {
	c, err := azsessions.NewClient("https://eastus.dynamicsessions.io/subscriptions/s/resourceGroups/r/sessionPools/p/", &scopeCredential{}, nil)
	require.NoError(t, err)
	require.Equal(t, "https://eastus.dynamicsessions.io/subscriptions/s/resourceGroups/r/sessionPools/p", c.Endpoint())
}

func TestPipelineSendsTokenTelemetryVersionAndRequestID(t *testing.T) {
	srv := httptest.NewTLSServer(reply(http.StatusOK, testdata(t, "sessions/metadata.json")))
	defer srv.Close()
	var got *http.Request
	wrapped := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		reply(http.StatusOK, testdata(t, "sessions/metadata.json"))(w, r)
	}))
	defer wrapped.Close()

	cred := &scopeCredential{}
	c, err := azsessions.NewClient(wrapped.URL+poolPath, cred, &azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: wrapped.Client()}})
	require.NoError(t, err)
	_, err = c.NewSessionsClient().GetPoolMetadata(context.Background(), nil)
	require.NoError(t, err)

	require.Equal(t, "Bearer test-token", got.Header.Get("Authorization"))
	require.Contains(t, got.Header.Get("User-Agent"), "azsdk-go-azsessions/v0.1.0")
	require.NotEmpty(t, got.Header.Get("X-Ms-Client-Request-Id"))
	require.Equal(t, "2025-10-02-preview", got.URL.Query().Get("api-version"))
	require.Equal(t, poolPath+"/metadata", got.URL.Path)
	require.Equal(t, []string{"https://dynamicsessions.io/.default"}, cred.scopes)
}

func TestClientOptionsChooseAPIVersionAndAudience(t *testing.T) {
	for _, v := range azsessions.PossibleAPIVersionValues() {
		t.Run(string(v), func(t *testing.T) {
			var got string
			srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.URL.Query().Get("api-version")
				reply(http.StatusNoContent, nil)(w, r)
			}))
			defer srv.Close()
			cred := &scopeCredential{}
			opts := &azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{
				APIVersion: string(v),
				Transport:  srv.Client(),
				Cloud: cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
					azsessions.ServiceName: {Audience: "https://dynamicsessions.azure.us/"},
				}},
			}}
			c, err := azsessions.NewClient(srv.URL, cred, opts)
			require.NoError(t, err)
			_, err = c.NewFilesClient().Delete(context.Background(), "s1", "a.txt", nil)
			require.NoError(t, err)
			require.Equal(t, string(v), got)
			require.Equal(t, []string{"https://dynamicsessions.azure.us/.default"}, cred.scopes)
		})
	}
}

func TestBearerTokenIsNotSentOverPlainHTTP(t *testing.T) {
	srv := httptest.NewServer(reply(http.StatusNoContent, nil))
	defer srv.Close()
	c, err := azsessions.NewClient(srv.URL, &scopeCredential{}, &azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: srv.Client()}})
	require.NoError(t, err)
	_, err = c.NewSessionsClient().Delete(context.Background(), "s1", nil)
	require.Error(t, err)
	require.Contains(t, err.Error(), "https")

	c, err = azsessions.NewClient(srv.URL, &scopeCredential{}, &azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{Transport: srv.Client(), InsecureAllowCredentialWithHTTP: true}})
	require.NoError(t, err)
	_, err = c.NewSessionsClient().Delete(context.Background(), "s1", nil)
	require.NoError(t, err)
}

func TestSubClientsShareOnePipelineConcurrently(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusNoContent, nil), nil)
	done := make(chan error)
	for i := 0; i < 8; i++ {
		go func() {
			_, err := c.NewSessionsClient().Delete(context.Background(), "s1", nil)
			done <- err
		}()
	}
	for i := 0; i < 8; i++ {
		require.NoError(t, <-done)
	}
	require.Len(t, srv.requests(), 8)
}

func TestValidationErrorsAreNotSent(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, nil), nil)
	ctx := context.Background()
	files := c.NewFilesClient()
	cases := []struct {
		name string
		err  error
		want error
	}{
		{"empty identifier", first(c.NewExecutionClient().Execute(ctx, "", azsessions.NewCodeRequest("1"), nil)), azsessions.ErrInvalidIdentifier},
		{"control char identifier", first(c.NewSessionsClient().Get(ctx, "a\nb", nil)), azsessions.ErrInvalidIdentifier},
		{"empty file name", first(files.Get(ctx, "s", "", nil)), azsessions.ErrInvalidFileName},
		{"dot dot name", first(files.Download(ctx, "s", "..", nil)), azsessions.ErrInvalidFileName},
		{"slash name", first(files.Delete(ctx, "s", "../etc/passwd", nil)), azsessions.ErrInvalidFileName},
		{"backslash name", first(files.Get(ctx, "s", `..\x`, nil)), azsessions.ErrInvalidFileName},
		{"dot dot path", first(files.Get(ctx, "s", "a.txt", &azsessions.FilesClientGetOptions{Path: ptr("a/../../b")})), azsessions.ErrInvalidPath},
		{"nil body", first(files.Upload(ctx, "s", "a.txt", nil, nil)), azsessions.ErrInvalidArgument},
		{"empty execution id", first(c.NewExecutionClient().Get(ctx, "s", "", nil)), azsessions.ErrInvalidArgument},
		{"dot dot execution id", first(c.NewExecutionClient().Get(ctx, "s", "..", nil)), azsessions.ErrInvalidArgument},
		{"dot execution id", first(c.NewExecutionClient().Get(ctx, "s", ".", nil)), azsessions.ErrInvalidArgument},
		{"control char execution id", first(c.NewExecutionClient().Get(ctx, "s", "e\n1", nil)), azsessions.ErrInvalidArgument},
		{"line break in content type", first(files.Upload(ctx, "s", "a.txt", strings.NewReader("hello"), &azsessions.FilesClientUploadOptions{ContentType: ptr("text/plain\r\n\r\nPREFIX")})), azsessions.ErrInvalidArgument},
		{"not a content type", first(files.Upload(ctx, "s", "a.txt", strings.NewReader("hello"), &azsessions.FilesClientUploadOptions{ContentType: ptr("text plain")})), azsessions.ErrInvalidArgument},
		{"empty operation id", first(c.NewExecutionClient().Execute(ctx, "s", azsessions.NewCodeRequest("1"), &azsessions.ExecutionClientExecuteOptions{OperationID: ptr("")})), azsessions.ErrInvalidArgument},
		{"container traversal", first(c.NewContainerClient().Send(ctx, "s", http.MethodGet, "/a/../../b", nil, nil)), azsessions.ErrInvalidPath},
		{"container query", first(c.NewContainerClient().Send(ctx, "s", http.MethodGet, "/a?x=1", nil, nil)), azsessions.ErrInvalidArgument},
		// net/http refuses these only in the transport, where azcore's retry
		// policy took its refusal for a network failure and tried four times.
		{"line break in operation id", first(c.NewExecutionClient().Execute(ctx, "s", azsessions.NewCodeRequest("1"), &azsessions.ExecutionClientExecuteOptions{OperationID: ptr("op\r\nX-Injected: 1")})), azsessions.ErrInvalidArgument},
		{"line break in begin operation id", first(c.NewExecutionClient().BeginExecute(ctx, "s", azsessions.NewCodeRequest("1"), &azsessions.ExecutionClientBeginExecuteOptions{OperationID: ptr("op\n1")})), azsessions.ErrInvalidArgument},
		{"container header name", first(c.NewContainerClient().Send(ctx, "s", http.MethodGet, "/a", nil, &azsessions.ContainerClientSendOptions{Header: map[string][]string{"Bad Name": {"v"}}})), azsessions.ErrInvalidArgument},
		{"container empty header name", first(c.NewContainerClient().Send(ctx, "s", http.MethodGet, "/a", nil, &azsessions.ContainerClientSendOptions{Header: map[string][]string{"": {"v"}}})), azsessions.ErrInvalidArgument},
		{"container header value", first(c.NewContainerClient().Send(ctx, "s", http.MethodGet, "/a", nil, &azsessions.ContainerClientSendOptions{Header: map[string][]string{"X-A": {"ok", "a\r\nX-Injected: 1"}}})), azsessions.ErrInvalidArgument},
		{"container method", first(c.NewContainerClient().Send(ctx, "s", "GE T", "/a", nil, nil)), azsessions.ErrInvalidArgument},
		// A second identifier would leave the pool to choose the session.
		{"container query identifier", first(c.NewContainerClient().Send(ctx, "s", http.MethodGet, "/a", nil, &azsessions.ContainerClientSendOptions{Query: map[string][]string{"identifier": {"other"}}})), azsessions.ErrInvalidArgument},
		{"container query identifier casing", first(c.NewContainerClient().Send(ctx, "s", http.MethodGet, "/a", nil, &azsessions.ContainerClientSendOptions{Query: map[string][]string{"Identifier": {"other"}}})), azsessions.ErrInvalidArgument},
		{"container query api-version", first(c.NewContainerClient().Send(ctx, "s", http.MethodGet, "/a", nil, &azsessions.ContainerClientSendOptions{Query: map[string][]string{"API-Version": {"2020-01-01"}}})), azsessions.ErrInvalidArgument},
	}
	for _, tc := range cases {
		require.ErrorIs(t, tc.err, tc.want, tc.name)
		require.True(t, errors.Is(tc.err, tc.want))
	}
	pager := files.NewListPager("", nil)
	_, err := pager.NextPage(ctx)
	require.ErrorIs(t, err, azsessions.ErrInvalidIdentifier)
	require.Empty(t, srv.requests(), "an invalid call must not reach the service")
}

func first[T any](_ T, err error) error { return err }

func ptr[T any](v T) *T { return &v }

func TestExecutionRequestIDsAreFreshUUIDs(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json")), nil)
	seen := map[string]bool{}
	// The operation-id is the SDK's own RFC 4122 version 4 UUID; the client
	// request id comes from azcore's request-id policy, whose UUIDs carry
	// another variant, so only their shape is checked.
	formats := map[string]*regexp.Regexp{
		"Operation-Id":           regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`),
		"X-Ms-Client-Request-Id": regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$`),
	}
	for i := 0; i < 20; i++ {
		_, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("1"), nil)
		require.NoError(t, err)
		got := srv.last(t)
		for h, format := range formats {
			id := got.Header.Get(h)
			require.Regexp(t, format, id, h)
			require.False(t, seen[id], "%s %s repeats", h, id)
			seen[id] = true
		}
	}
}

// TestNewClientNamesWhiteSpaceAroundTheEndpoint: an endpoint pasted or read
// from a file with a space around it is refused with an error that says so.
// A trailing space was taken into the pool's path (every call then answered
// 404 from /pool%20/...), and a leading one gave url.Parse's "first path
// segment in URL cannot contain colon".
func TestNewClientNamesWhiteSpaceAroundTheEndpoint(t *testing.T) {
	for _, endpoint := range []string{
		"https://pool.example.com/pool ",
		" https://pool.example.com/pool",
		"https://pool.example.com/pool\t",
	} {
		_, err := azsessions.NewClient(endpoint, &scopeCredential{}, nil)
		require.ErrorIs(t, err, azsessions.ErrInvalidEndpoint, "endpoint %q", endpoint)
		require.ErrorContains(t, err, "white space", "endpoint %q", endpoint)
	}
}
