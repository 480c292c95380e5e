package fake_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

func TestSend(t *testing.T) {
	const path = "/api/run é/a b%+&;="
	srv := fake.ServerFactory{
		ContainerServer: fake.ContainerServer{
			Send: func(ctx context.Context, identifier string, method string, gotPath string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
				require.Equal(t, oddIdentifier, identifier)
				require.Equal(t, http.MethodPost, method)
				require.Equal(t, path, gotPath)
				require.NotNil(t, body)
				data, err := io.ReadAll(body)
				require.NoError(t, err)
				require.Equal(t, `{"x":1}`, string(data))
				require.Equal(t, &azsessions.ContainerClientSendOptions{
					Header: map[string][]string{"Content-Type": {"application/json"}, "X-Custom": {"1", "2"}},
					Query:  map[string][]string{"q": {"a b", "c&d"}},
				}, options)
				resp.SetResponse(http.StatusTeapot, azsessions.ContainerClientSendResponse{Response: &http.Response{
					Header: http.Header{"X-Answer": {"42"}},
					Body:   io.NopCloser(strings.NewReader("short and stout")),
				}}, &azfake.SetResponseOptions{Header: http.Header{"X-From-Options": {"yes"}}})
				return
			},
		},
	}
	got, err := newClient(t, &srv).NewContainerClient().Send(context.Background(), oddIdentifier, http.MethodPost, path, strings.NewReader(`{"x":1}`), &azsessions.ContainerClientSendOptions{
		Header: map[string][]string{"Content-Type": {"application/json"}, "x-custom": {"1", "2"}},
		Query:  map[string][]string{"q": {"a b", "c&d"}},
	})
	require.NoError(t, err)
	defer got.Body.Close()
	require.Equal(t, http.StatusTeapot, got.StatusCode)
	require.Equal(t, "42", got.Header.Get("X-Answer"))
	require.Equal(t, "yes", got.Header.Get("X-From-Options"))
	data, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	require.Equal(t, "short and stout", string(data))
}

func TestSendNoBody(t *testing.T) {
	srv := fake.ServerFactory{
		ContainerServer: fake.ContainerServer{
			Send: func(ctx context.Context, identifier string, method string, path string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
				require.Equal(t, http.MethodGet, method)
				require.Equal(t, "/", path)
				require.Nil(t, body)
				require.Equal(t, &azsessions.ContainerClientSendOptions{OmitAPIVersion: true}, options)
				resp.SetResponse(http.StatusNoContent, azsessions.ContainerClientSendResponse{}, nil)
				return
			},
		},
	}
	got, err := newClient(t, &srv).NewContainerClient().Send(context.Background(), "s", "", "", nil, &azsessions.ContainerClientSendOptions{OmitAPIVersion: true})
	require.NoError(t, err)
	defer got.Body.Close()
	require.Equal(t, http.StatusNoContent, got.StatusCode)
}

// A Send with OmitAPIVersion may carry the container's own api-version in
// Query: the fake hands both on as they were given, not as the client's
// api-version.
func TestSendOwnAPIVersionWithOmit(t *testing.T) {
	want := &azsessions.ContainerClientSendOptions{OmitAPIVersion: true, Query: map[string][]string{"api-version": {"1.0"}}}
	var got *azsessions.ContainerClientSendOptions
	srv := fake.ServerFactory{
		ContainerServer: fake.ContainerServer{
			Send: func(ctx context.Context, identifier string, method string, path string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
				got = options
				resp.SetResponse(http.StatusNoContent, azsessions.ContainerClientSendResponse{}, nil)
				return
			},
		},
	}
	sent, err := newClient(t, &srv).NewContainerClient().Send(context.Background(), "s", http.MethodGet, "health", nil, want)
	require.NoError(t, err)
	defer sent.Body.Close()
	require.Equal(t, want, got)
}

func TestContainerSessions(t *testing.T) {
	want := azsessions.Session{Identifier: to.Ptr(oddIdentifier), CreatedAt: &sessTime, ExpiresAt: &fileTime}
	srv := fake.ServerFactory{
		ContainerServer: fake.ContainerServer{
			GetSession: func(ctx context.Context, identifier string, options *azsessions.ContainerClientGetSessionOptions) (resp azfake.Responder[azsessions.ContainerClientGetSessionResponse], errResp azfake.ErrorResponder) {
				if identifier != oddIdentifier {
					errResp.SetResponseError(http.StatusBadRequest, string(azsessions.ErrorCodeSessionWithIdentifierNotFound))
					return
				}
				resp.SetResponse(http.StatusOK, azsessions.ContainerClientGetSessionResponse{Session: want}, nil)
				return
			},
			NewListSessionsPager: func(options *azsessions.ContainerClientListSessionsOptions) (resp azfake.PagerResponder[azsessions.ContainerClientListSessionsResponse]) {
				require.Equal(t, &azsessions.ContainerClientListSessionsOptions{Skip: to.Ptr[int32](1)}, options)
				for _, id := range []string{"s1", "s2"} {
					var page azsessions.ContainerClientListSessionsResponse
					page.Value = []*azsessions.Session{{Identifier: to.Ptr(id)}}
					page.Count = to.Ptr[int64](2)
					resp.AddPage(http.StatusOK, page, nil)
				}
				return
			},
		},
	}
	containers := newClient(t, &srv).NewContainerClient()
	got, err := containers.GetSession(context.Background(), oddIdentifier, nil)
	require.NoError(t, err)
	require.Equal(t, want, got.Session)
	_, err = containers.GetSession(context.Background(), "missing", nil)
	require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionWithIdentifierNotFound))

	pager := containers.NewListSessionsPager(&azsessions.ContainerClientListSessionsOptions{Skip: to.Ptr[int32](1)})
	var ids []string
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		require.NoError(t, err)
		require.Equal(t, int64(2), *page.Count)
		for _, s := range page.Value {
			ids = append(ids, *s.Identifier)
		}
	}
	require.Equal(t, []string{"s1", "s2"}, ids)
}

// TestSendLengthIsKept: the body of a Send's answer is held to the
// ContentLength its *http.Response declares, as on the wire (see
// TestDownloadLengthIsKept).
func TestSendLengthIsKept(t *testing.T) {
	for _, tc := range []lengthCase{
		{body: "abc", length: 10, want: "abc", wantErr: io.ErrUnexpectedEOF},
		{body: "abcdef", length: 3, want: "abc"},
		{body: "abc", length: 3, want: "abc"},
		{body: "abc", length: -1, want: "abc"},
	} {
		srv := fake.ServerFactory{
			ContainerServer: fake.ContainerServer{
				Send: func(ctx context.Context, identifier string, method string, path string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
					resp.SetResponse(http.StatusOK, azsessions.ContainerClientSendResponse{Response: &http.Response{
						Body:          io.NopCloser(strings.NewReader(tc.body)),
						ContentLength: tc.length,
					}}, nil)
					return
				},
			},
		}
		got, err := newClient(t, &srv).NewContainerClient().Send(context.Background(), "s", http.MethodGet, "/file", nil, nil)
		require.NoError(t, err)
		tc.requireRead(t, got.Body)
		require.NoError(t, got.Body.Close())
	}
}

// TestSendHeadKeepsItsLength: the answer to a HEAD has no body, and its
// ContentLength is the length a GET would get, as on the wire; a fake that
// gives an empty body with that length is read as no body, not as a body
// cut short.
func TestSendHeadKeepsItsLength(t *testing.T) {
	srv := fake.ServerFactory{
		ContainerServer: fake.ContainerServer{
			Send: func(ctx context.Context, identifier string, method string, path string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
				resp.SetResponse(http.StatusOK, azsessions.ContainerClientSendResponse{Response: &http.Response{
					Body:          io.NopCloser(strings.NewReader("")),
					ContentLength: 10,
				}}, nil)
				return
			},
		},
	}
	got, err := newClient(t, &srv).NewContainerClient().Send(context.Background(), "s", http.MethodHead, "/file", nil, nil)
	require.NoError(t, err)
	data, err := io.ReadAll(got.Body)
	require.NoError(t, got.Body.Close())
	require.NoError(t, err, "a HEAD's answer has no body to cut short")
	require.Empty(t, data)
	require.EqualValues(t, 10, got.ContentLength)
}

// TestSendHeadKeepsItsLengthWithoutBody: a fake that answers a HEAD with a
// length and no body at all (nil or http.NoBody), as a HEAD's answer is
// written, keeps that length too.
func TestSendHeadKeepsItsLengthWithoutBody(t *testing.T) {
	for _, body := range []io.ReadCloser{nil, http.NoBody} {
		srv := fake.ServerFactory{
			ContainerServer: fake.ContainerServer{
				Send: func(ctx context.Context, identifier string, method string, path string, _ io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
					resp.SetResponse(http.StatusOK, azsessions.ContainerClientSendResponse{Response: &http.Response{Body: body, ContentLength: 10}}, nil)
					return
				},
			},
		}
		got, err := newClient(t, &srv).NewContainerClient().Send(context.Background(), "s", http.MethodHead, "/file", nil, nil)
		require.NoError(t, err)
		data, err := io.ReadAll(got.Body)
		require.NoError(t, got.Body.Close())
		require.NoError(t, err)
		require.Empty(t, data)
		require.EqualValues(t, 10, got.ContentLength, "body %v", body)
	}
}

// TestSendPathIsBelowAnyEndpoint: path is the request path below the
// client's endpoint, whatever shape the endpoint has (a test's fake
// endpoint is often https://fake.example or https://fake.example/pool). It
// held the endpoint's own path when that was not an Azure pool path
// (/pool/api/run), and a pool path that continued an endpoint's
// (/subscriptions/... below /proxy) was cut from the path.
func TestSendPathIsBelowAnyEndpoint(t *testing.T) {
	for _, endpoint := range []string{
		"https://fake.example",
		"https://fake.example/",
		"https://fake.example/pool",
		"https://fake.example/a%20b/pool",
		"https://fake.example/proxy",
		endpoint,
	} {
		for _, path := range []string{"/api/run", "/", "/subscriptions/s/resourceGroups/r/sessionPools/p/x"} {
			var got string
			srv := fake.ServerFactory{ContainerServer: fake.ContainerServer{
				Send: func(ctx context.Context, identifier string, method string, gotPath string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
					got = gotPath
					resp.SetResponse(http.StatusOK, azsessions.ContainerClientSendResponse{}, nil)
					return
				},
			}}
			resp, err := newClientAt(t, endpoint, &srv).NewContainerClient().Send(context.Background(), "s1", http.MethodGet, path, nil, nil)
			require.NoError(t, err)
			resp.Body.Close()
			require.Equal(t, path, got, "endpoint %s", endpoint)
		}
	}
}
