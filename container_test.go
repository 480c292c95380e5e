package azsessions_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

func TestContainerSendForwardsThroughThePipeline(t *testing.T) {
	c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "streamed answer")
	}, nil)
	resp, err := c.NewContainerClient().Send(context.Background(), "s1", http.MethodPut, "/api/files/a b+é%", strings.NewReader("payload"), &azsessions.ContainerClientSendOptions{
		Header: map[string][]string{"Content-Type": {"text/plain"}, "Authorization": {"Bearer stolen"}, "X-Custom": {"1"}},
		Query:  map[string][]string{"mode": {"fast"}},
	})
	require.NoError(t, err, "the container's status codes are its own")
	defer resp.Body.Close()
	require.Equal(t, http.StatusTeapot, resp.StatusCode)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, "streamed answer", string(body))

	got := srv.last(t)
	require.Equal(t, http.MethodPut, got.Method)
	require.Equal(t, "/api/files/a%20b+%C3%A9%25", got.Path)
	require.Equal(t, "s1", got.Query["identifier"][0])
	require.Equal(t, "fast", got.Query["mode"][0])
	require.NotEmpty(t, got.Query["api-version"])
	require.Equal(t, "Bearer test-token", got.Header.Get("Authorization"), "the caller cannot override auth")
	require.Equal(t, "1", got.Header.Get("X-Custom"))
	require.Equal(t, "payload", string(got.Body))
}

func TestContainerSendPostIsNotRetriedOn500(t *testing.T) {
	var tries atomic.Int32
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		tries.Add(1)
		w.WriteHeader(http.StatusInternalServerError)
	}, nil)
	resp, err := c.NewContainerClient().Send(context.Background(), "s1", http.MethodPost, "run", strings.NewReader("x"), &azsessions.ContainerClientSendOptions{OmitAPIVersion: true})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, int32(1), tries.Load())

	tries.Store(0)
	resp, err = c.NewContainerClient().Send(context.Background(), "s1", http.MethodGet, "health", nil, nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, int32(4), tries.Load(), "GET keeps azcore's retries")
}

func TestContainerSendOmitAPIVersion(t *testing.T) {
	for _, version := range []string{"", "2025-02-02-preview"} {
		t.Run("ClientOptions.APIVersion="+version, func(t *testing.T) {
			opts := &azsessions.ClientOptions{}
			opts.APIVersion = azsessions.APIVersion(version)
			c, srv := newRecordedClient(t, reply(http.StatusOK, nil), opts)
			want := version
			if want == "" {
				want = string(azsessions.APIVersion20251002Preview)
			}
			for _, omit := range []bool{false, true} {
				resp, err := c.NewContainerClient().Send(context.Background(), "s1", http.MethodGet, "health", nil, &azsessions.ContainerClientSendOptions{OmitAPIVersion: omit})
				require.NoError(t, err)
				resp.Body.Close()
				got := srv.last(t).Query
				require.Equal(t, []string{"s1"}, got["identifier"])
				if omit {
					require.NotContains(t, got, "api-version")
				} else {
					require.Equal(t, []string{want}, got["api-version"])
				}
			}
		})
	}
}

// With OmitAPIVersion the client sends no api-version of its own, so a
// container's own api-version parameter in Query is sent, alone; without
// it, that Query is refused before anything is sent, naming the option.
func TestContainerSendOwnAPIVersionWithOmit(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, nil), nil)
	for _, key := range []string{"api-version", "API-Version"} {
		resp, err := c.NewContainerClient().Send(context.Background(), "s1", http.MethodGet, "health", nil,
			&azsessions.ContainerClientSendOptions{OmitAPIVersion: true, Query: map[string][]string{key: {"1.0"}}})
		require.NoError(t, err, key)
		resp.Body.Close()
		got := srv.last(t).Query
		require.Equal(t, []string{"1.0"}, got[key], key)
		require.Len(t, got, 2, "identifier and the container's own %s, nothing else: %v", key, got)
	}
	_, err := c.NewContainerClient().Send(context.Background(), "s1", http.MethodGet, "health", nil,
		&azsessions.ContainerClientSendOptions{Query: map[string][]string{"api-version": {"1.0"}}})
	require.ErrorIs(t, err, azsessions.ErrInvalidArgument)
	require.ErrorContains(t, err, "OmitAPIVersion")
	_, err = c.NewContainerClient().Send(context.Background(), "s1", http.MethodGet, "health", nil,
		&azsessions.ContainerClientSendOptions{OmitAPIVersion: true, Query: map[string][]string{"Identifier": {"other"}}})
	require.ErrorIs(t, err, azsessions.ErrInvalidArgument, "a second identifier is refused with OmitAPIVersion too")
}

func TestContainerGetSessionUsesTheManagementAPI(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "sessions/management_get.json")), nil)
	resp, err := c.NewContainerClient().GetSession(context.Background(), "testid1", nil)
	require.NoError(t, err)
	require.Equal(t, "testid1", *resp.Identifier)
	require.NotNil(t, resp.ExpiresAt, "expiresAt is read")
	got := srv.last(t)
	require.Equal(t, http.MethodPost, got.Method)
	require.Equal(t, "/.management/getSession", got.Path)
	require.Equal(t, "testid1", got.Query["identifier"][0])

	c, _ = newRecordedClient(t, reply(http.StatusBadRequest, []byte(`{"error":{"code":"SessionWithIdentifierNotFound","message":"no such session"}}`)), nil)
	_, err = c.NewContainerClient().GetSession(context.Background(), "missing", nil)
	require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionWithIdentifierNotFound))
}

func TestContainerListSessionsPostsEveryPage(t *testing.T) {
	var srvURL string
	c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("skip") == "1" {
			reply(http.StatusOK, testdata(t, "sessions/list_value_page2.json"))(w, r)
			return
		}
		body := strings.Replace(string(testdata(t, "sessions/list_value_page2.json")), `"count":2`,
			`"count":2,"nextLink":"`+srvURL+poolPath+`/.management/listSessions?skip=1"`, 1)
		body = strings.Replace(body, `"s2"`, `"s1"`, 1)
		reply(http.StatusOK, []byte(body))(w, r)
	}, nil)
	srvURL = srv.URL
	pager := c.NewContainerClient().NewListSessionsPager(nil)
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
	for _, r := range srv.requests() {
		require.Equal(t, http.MethodPost, r.Method)
		require.Equal(t, "/.management/listSessions", r.Path)
	}
}

// TestContainerSendDeleteRetriedAfterALostAnswer shows what Send's doc
// says of a retried DELETE: its first try acted and lost its answer, and
// the retry's 404 is what the caller sees, as Send cannot know what the
// container's codes mean. With retries turned off through the context, the
// caller sees the first try's failure instead, and the container one try.
func TestContainerSendDeleteRetriedAfterALostAnswer(t *testing.T) {
	// Odd tries delete and lose their answer; even ones find nothing.
	var tries atomic.Int32
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1)%2 == 1 {
			reply(http.StatusNoContent, nil)(w, r)
			panic(http.ErrAbortHandler)
		}
		reply(http.StatusNotFound, nil)(w, r)
	}, nil)
	resp, err := c.NewContainerClient().Send(context.Background(), "s1", http.MethodDelete, "/items/1", nil, nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	require.Equal(t, int32(2), tries.Load())

	ctx := policy.WithRetryOptions(context.Background(), policy.RetryOptions{MaxRetries: -1})
	_, err = c.NewContainerClient().Send(ctx, "s1", http.MethodDelete, "/items/1", nil, nil)
	require.Error(t, err, "the lost answer is the caller's to judge")
	require.Equal(t, int32(3), tries.Load())
}
