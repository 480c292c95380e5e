package fake_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

const endpoint = "https://fake.dynamicsessions.io/subscriptions/x/resourceGroups/y/sessionPools/z"

// oddIdentifier needs escaping in a query.
const oddIdentifier = "a b&c#d/é"

// oddNames need escaping in a path or quoting in a multipart header.
var oddNames = []string{"plain.txt", "with space.txt", "ünïcødé 文件.csv", "hash#1", "per%cent%41", "amp&er+plus", `quote"d`, "semi;colon=eq?", "content"}

func newClient(t *testing.T, srv *fake.ServerFactory) *azsessions.Client {
	t.Helper()
	return newClientAt(t, endpoint, srv)
}

// newClientAt is newClient for a client of endpoint.
func newClientAt(t *testing.T, endpoint string, srv *fake.ServerFactory) *azsessions.Client {
	t.Helper()
	client, err := azsessions.NewClient(endpoint, &azfake.TokenCredential{}, &azsessions.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: fake.NewServerFactoryTransport(srv)},
	})
	require.NoError(t, err)
	return client
}

var (
	fileTime = time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.UTC)
	sessTime = time.Date(2025, 3, 4, 5, 0, 0, 0, time.UTC)
)

func durationPtr(d time.Duration) *time.Duration { return &d }

func fullMetrics() azsessions.Metrics {
	return azsessions.Metrics{
		ExecutionRequestTime:       durationPtr(5011 * time.Millisecond),
		ExecutionReadResponseTime:  durationPtr(1500 * time.Microsecond),
		TotalExecutionServiceTime:  durationPtr(42*time.Minute + 56970311818*time.Nanosecond),
		ContainerExecutionDuration: durationPtr(0),
		PreparationTime:            durationPtr(3 * time.Millisecond),
		AllocationTime:             durationPtr(4 * time.Millisecond),
		OverallExecutionTime:       durationPtr(6 * time.Second),
		AllocationRetries:          to.Ptr(2),
		NewAllocation:              to.Ptr(true),
		SessionGUID:                to.Ptr("6f1a8e1c-guid"),
	}
}

func requireResponseError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, status, re.StatusCode)
	require.Equal(t, code, re.ErrorCode)
}

func TestErrorResponder(t *testing.T) {
	srv := fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
			Execute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				errResp.SetResponseError(http.StatusBadRequest, string(azsessions.ErrorCodeSessionRequestValidationFailed))
				return
			},
		},
		SessionsServer: fake.SessionsServer{
			Get: func(ctx context.Context, identifier string, options *azsessions.SessionsClientGetOptions) (resp azfake.Responder[azsessions.SessionsClientGetResponse], errResp azfake.ErrorResponder) {
				errResp.SetError(errors.New("connection reset"))
				return
			},
		},
	}
	client := newClient(t, &srv)
	_, err := client.NewExecutionClient().Execute(context.Background(), "s", azsessions.NewCodeRequest("1"), nil)
	requireResponseError(t, err, http.StatusBadRequest, "SessionRequestValidationFailed")
	require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionPropertiesMissing, azsessions.ErrorCodeSessionRequestValidationFailed))
	require.False(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionPropertiesMissing))

	_, err = client.NewSessionsClient().Get(context.Background(), "s", nil)
	require.ErrorContains(t, err, "connection reset")
	require.False(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionPropertiesMissing))
}

// tryCounter is a per-try policy: the client's retry policy runs it once per
// try, so its count tells whether a call was retried.
type tryCounter struct{ tries atomic.Int64 }

func (c *tryCounter) Do(req *policy.Request) (*http.Response, error) {
	c.tries.Add(1)
	return req.Next()
}

// newCountingClient returns a client on transport that counts its tries.
// Its retries wait a millisecond, so that a test of "not retried" fails
// by its count, quickly, rather than by its duration.
func newCountingClient(t *testing.T, transport policy.Transporter) (*azsessions.Client, *tryCounter) {
	t.Helper()
	counter := &tryCounter{}
	client, err := azsessions.NewClient(endpoint, &azfake.TokenCredential{}, &azsessions.ClientOptions{
		ClientOptions: azcore.ClientOptions{
			Transport:        transport,
			PerRetryPolicies: []policy.Policy{counter},
			Retry:            policy.RetryOptions{MaxRetries: 3, RetryDelay: time.Millisecond, MaxRetryDelay: time.Millisecond},
		},
	})
	require.NoError(t, err)
	return client, counter
}

type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) Do(req *http.Request) (*http.Response, error) { return f(req) }

// The counter the no-retry tests rely on sees retries: a transport error
// that azcore retries is counted once per try.
func TestTryCounterCountsRetries(t *testing.T) {
	client, counter := newCountingClient(t, transportFunc(func(*http.Request) (*http.Response, error) {
		return nil, errors.New("connection refused")
	}))
	_, err := client.NewSessionsClient().GetPoolMetadata(context.Background(), nil)
	require.ErrorContains(t, err, "connection refused")
	require.Equal(t, int64(4), counter.tries.Load())
}

func TestUnexpectedStatus(t *testing.T) {
	srv := fake.ServerFactory{
		SessionsServer: fake.SessionsServer{
			GetPoolMetadata: func(ctx context.Context, options *azsessions.SessionsClientGetPoolMetadataOptions) (resp azfake.Responder[azsessions.SessionsClientGetPoolMetadataResponse], errResp azfake.ErrorResponder) {
				resp.SetResponse(http.StatusCreated, azsessions.SessionsClientGetPoolMetadataResponse{}, nil)
				return
			},
		},
	}
	client, counter := newCountingClient(t, fake.NewServerFactoryTransport(&srv))
	_, err := client.NewSessionsClient().GetPoolMetadata(context.Background(), nil)
	require.ErrorContains(t, err, "unexpected status code 201. acceptable values are http.StatusOK")
	require.Equal(t, int64(1), counter.tries.Load(), "a fake's error must not be retried")
}

func TestNotImplemented(t *testing.T) {
	client, counter := newCountingClient(t, fake.NewServerFactoryTransport(&fake.ServerFactory{}))
	ctx := context.Background()
	exec, files, sessions, containers := client.NewExecutionClient(), client.NewFilesClient(), client.NewSessionsClient(), client.NewContainerClient()
	calls := map[string]func() error{
		"ExecutionServer.Execute": func() error {
			_, err := exec.Execute(ctx, "s", azsessions.NewCodeRequest("1"), nil)
			return err
		},
		"ExecutionServer.BeginExecute": func() error {
			_, err := exec.BeginExecute(ctx, "s", azsessions.NewCodeRequest("1"), nil)
			return err
		},
		"ExecutionServer.Get": func() error {
			_, err := exec.Get(ctx, "s", "op", nil)
			return err
		},
		"FilesServer.Upload": func() error {
			_, err := files.Upload(ctx, "s", "f", strings.NewReader("x"), nil)
			return err
		},
		"FilesServer.NewListPager": func() error {
			_, err := files.NewListPager("s", nil).NextPage(ctx)
			return err
		},
		"FilesServer.Get": func() error {
			_, err := files.Get(ctx, "s", "f", nil)
			return err
		},
		"FilesServer.Download": func() error {
			_, err := files.Download(ctx, "s", "f", nil)
			return err
		},
		"FilesServer.Delete": func() error {
			_, err := files.Delete(ctx, "s", "f", nil)
			return err
		},
		"SessionsServer.Get": func() error {
			_, err := sessions.Get(ctx, "s", nil)
			return err
		},
		"SessionsServer.Delete": func() error {
			_, err := sessions.Delete(ctx, "s", nil)
			return err
		},
		"SessionsServer.Stop": func() error {
			_, err := sessions.Stop(ctx, "s", nil)
			return err
		},
		"SessionsServer.NewListPager": func() error {
			_, err := sessions.NewListPager(nil).NextPage(ctx)
			return err
		},
		"SessionsServer.GetPoolMetadata": func() error {
			_, err := sessions.GetPoolMetadata(ctx, nil)
			return err
		},
		"ContainerServer.Send": func() error {
			_, err := containers.Send(ctx, "s", http.MethodGet, "/", nil, nil)
			return err
		},
		"ContainerServer.GetSession": func() error {
			_, err := containers.GetSession(ctx, "s", nil)
			return err
		},
		"ContainerServer.NewListSessionsPager": func() error {
			_, err := containers.NewListSessionsPager(nil).NextPage(ctx)
			return err
		},
	}
	for name, call := range calls {
		before := counter.tries.Load()
		require.EqualError(t, call(), "fake for method "+name+" not implemented", name)
		require.Equal(t, before+1, counter.tries.Load(), "%s: a not-implemented error must not be retried", name)
	}
}

// A client's own server connects alone through its transport; calls of the
// other clients then fail, unretried, naming their method.
func TestClientServerTransport(t *testing.T) {
	var got string
	files := fake.FilesServer{
		Get: func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientGetOptions) (resp azfake.Responder[azsessions.FilesClientGetResponse], errResp azfake.ErrorResponder) {
			got = name
			resp.SetResponse(http.StatusOK, azsessions.FilesClientGetResponse{File: azsessions.File{Name: &name}}, nil)
			return
		},
	}
	client, counter := newCountingClient(t, fake.NewFilesServerTransport(&files))
	resp, err := client.NewFilesClient().Get(context.Background(), "s", "a.txt", nil)
	require.NoError(t, err)
	require.Equal(t, "a.txt", got)
	require.Equal(t, "a.txt", *resp.Name)

	_, err = client.NewSessionsClient().Get(context.Background(), "s", nil)
	require.EqualError(t, err, "unhandled API SessionsClient.Get")
	require.Equal(t, int64(2), counter.tries.Load())

	// Each client's transport serves its own client's methods.
	for _, tc := range []struct {
		transport policy.Transporter
		call      func(*azsessions.Client) error
		want      string
	}{
		{fake.NewExecutionServerTransport(&fake.ExecutionServer{}), func(c *azsessions.Client) error {
			_, err := c.NewExecutionClient().Get(context.Background(), "s", "op", nil)
			return err
		}, "ExecutionServer.Get"},
		{fake.NewSessionsServerTransport(&fake.SessionsServer{}), func(c *azsessions.Client) error {
			_, err := c.NewSessionsClient().Stop(context.Background(), "s", nil)
			return err
		}, "SessionsServer.Stop"},
		{fake.NewContainerServerTransport(&fake.ContainerServer{}), func(c *azsessions.Client) error {
			_, err := c.NewContainerClient().GetSession(context.Background(), "s", nil)
			return err
		}, "ContainerServer.GetSession"},
	} {
		client, _ := newCountingClient(t, tc.transport)
		require.EqualError(t, tc.call(client), "fake for method "+tc.want+" not implemented")
	}
}

// Functions set after the transport was made are the ones it calls.
func TestServerFactoryLateFields(t *testing.T) {
	var srv fake.ServerFactory
	client := newClient(t, &srv)
	srv.SessionsServer.Delete = func(ctx context.Context, identifier string, options *azsessions.SessionsClientDeleteOptions) (resp azfake.Responder[azsessions.SessionsClientDeleteResponse], errResp azfake.ErrorResponder) {
		resp.SetResponse(http.StatusNoContent, azsessions.SessionsClientDeleteResponse{}, nil)
		return
	}
	_, err := client.NewSessionsClient().Delete(context.Background(), "s", nil)
	require.NoError(t, err)
}

func TestTransportDispatch(t *testing.T) {
	transport := fake.NewServerFactoryTransport(&fake.ServerFactory{})
	req, err := http.NewRequest(http.MethodGet, endpoint+"/whatever", nil)
	require.NoError(t, err)
	_, err = transport.Do(req)
	require.ErrorContains(t, err, "missing value for CtxAPINameKey")

	req = req.WithContext(context.WithValue(context.Background(), runtime.CtxAPINameKey{}, "FilesClient.Rename"))
	_, err = transport.Do(req)
	require.EqualError(t, err, "unhandled API FilesClient.Rename")

	req = req.WithContext(context.WithValue(context.Background(), runtime.CtxAPINameKey{}, "FilesClient.NewListPager"))
	q := req.URL.Query()
	q.Set("fakePagerID", "99")
	req.URL.RawQuery = q.Encode()
	transport = fake.NewServerFactoryTransport(&fake.ServerFactory{
		FilesServer: fake.FilesServer{
			NewListPager: func(identifier string, options *azsessions.FilesClientListOptions) (resp azfake.PagerResponder[azsessions.FilesClientListResponse]) {
				t.Fatal("a nextLink must not start a pager")
				return
			},
		},
	})
	_, err = transport.Do(req)
	require.ErrorContains(t, err, "no fake pager 99 in progress")

	transport = fake.NewServerFactoryTransport(&fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
			BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				t.Fatal("a poll must not start a poller")
				return
			},
		},
	})
	req = req.WithContext(context.WithValue(context.Background(), runtime.CtxAPINameKey{}, "ExecutionClient.BeginExecute"))
	_, err = transport.Do(req)
	require.ErrorContains(t, err, "is not a request of a fake poller")
	q.Del("fakePagerID")
	q.Set("fakePollerID", "7")
	req.URL.RawQuery = q.Encode()
	_, err = transport.Do(req)
	require.ErrorContains(t, err, "no fake poller 7 in progress")
	q.Del("fakePollerID")
	req = req.WithContext(context.WithValue(context.Background(), runtime.CtxAPINameKey{}, "StorageClient.Get"))
	req.URL.RawQuery = q.Encode()
	_, err = transport.Do(req)
	require.EqualError(t, err, "unhandled API StorageClient.Get")
}

// A fake that does not return is abandoned when the call's context ends,
// and the body of the answer it gives later is closed.
func TestContextCanceled(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	closed := make(chan struct{})
	srv := fake.ServerFactory{
		FilesServer: fake.FilesServer{
			Download: func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDownloadOptions) (resp azfake.Responder[azsessions.FilesClientDownloadResponse], errResp azfake.ErrorResponder) {
				close(entered)
				<-release
				resp.SetResponse(http.StatusOK, azsessions.FilesClientDownloadResponse{Body: closeNotifier{strings.NewReader("late"), closed}}, nil)
				return
			},
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-entered
		cancel()
	}()
	_, err := newClient(t, &srv).NewFilesClient().Download(ctx, "s", "f", nil)
	require.ErrorIs(t, err, context.Canceled)
	close(release)
	select {
	case <-closed:
	case <-time.After(time.Minute):
		t.Fatal("the abandoned answer's body was not closed")
	}
}

// closeNotifier closes its channel when closed.
type closeNotifier struct {
	io.Reader
	closed chan struct{}
}

func (c closeNotifier) Close() error {
	close(c.closed)
	return nil
}

// The transport's requests carry what the pipeline adds, such as the
// bearer token from azfake.TokenCredential.
func TestPipelineRuns(t *testing.T) {
	var auth string
	srv := fake.ServerFactory{
		ContainerServer: fake.ContainerServer{
			Send: func(ctx context.Context, identifier string, method string, path string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
				resp.SetResponse(http.StatusOK, azsessions.ContainerClientSendResponse{}, nil)
				return
			},
		},
	}
	var captured *http.Response
	ctx := policy.WithCaptureResponse(context.Background(), &captured)
	got, err := newClient(t, &srv).NewContainerClient().Send(ctx, "s", http.MethodGet, "/x", nil, nil)
	require.NoError(t, err)
	defer got.Body.Close()
	auth = captured.Request.Header.Get("Authorization")
	require.True(t, strings.HasPrefix(auth, "Bearer "), auth)
}
