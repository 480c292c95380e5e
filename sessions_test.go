package azsessions_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

func TestGetSessionAcceptsBothExpirySpellings(t *testing.T) {
	want := time.Date(2025, 1, 5, 22, 18, 41, 752000000, time.UTC)
	for _, file := range []string{"sessions/get.json", "sessions/management_get.json"} {
		c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, file)), nil)
		resp, err := c.NewSessionsClient().Get(context.Background(), "testid1", nil)
		require.NoError(t, err)
		require.Equal(t, "testid1", *resp.Identifier)
		require.Equal(t, want, *resp.ExpiresAt, file)
		require.Equal(t, azcore.ETag("9334cb07-aafd-45a0-90bd-448080a91f57"), *resp.ETag)
		require.NotNil(t, resp.CreatedAt)
		require.NotNil(t, resp.LastAccessedAt)
		got := srv.last(t)
		require.Equal(t, "/session", got.Path)
		require.Equal(t, "testid1", got.Query["identifier"][0])
	}
}

func TestDeleteSession(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusNoContent, nil), nil)
	_, err := c.NewSessionsClient().Delete(context.Background(), "s1", nil)
	require.NoError(t, err)
	require.Equal(t, http.MethodDelete, srv.last(t).Method)
	require.Equal(t, "/session", srv.last(t).Path)
}

func TestStopSession(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, []byte("Session s1 in session pool pool stopped."), "Content-Type", "text/plain"), nil)
	resp, err := c.NewSessionsClient().Stop(context.Background(), "s1", nil)
	require.NoError(t, err)
	require.Equal(t, "Session s1 in session pool pool stopped.", resp.Message)
	require.Equal(t, http.MethodPost, srv.last(t).Method)
	require.Equal(t, "/.management/stopSession", srv.last(t).Path)

	c, _ = newRecordedClient(t, reply(http.StatusBadRequest, testdata(t, "errors/bare.json")), nil)
	_, err = c.NewSessionsClient().Stop(context.Background(), "x", nil)
	require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionWithIdentifierNotFound))
}

func TestListSessionsAcceptsBothEnvelopes(t *testing.T) {
	page2 := func(r *http.Request) bool { return r.URL.Query().Get("skip") == "1" }
	c, srv := newRecordedClient(t, twoPages(t, page2, "sessions/list_sessions_page1.json", "sessions/list_value_page2.json", "/listSessions?skip=1&api-version=2025-10-02-preview"), nil)
	pager := c.NewSessionsClient().NewListPager(&azsessions.SessionsClientListOptions{Skip: ptr[int32](0)})
	var ids []string
	var count *int64
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		require.NoError(t, err)
		for _, s := range page.Value {
			ids = append(ids, *s.Identifier)
			require.NotNil(t, s.ExpiresAt)
		}
		count = page.Count
	}
	require.Equal(t, []string{"s1", "s2"}, ids)
	require.Equal(t, int64(2), *count)
	first := srv.requests()[0]
	require.Equal(t, "/listSessions", first.Path)
	require.Equal(t, "0", first.Query["skip"][0])
	require.Empty(t, first.Query["identifier"], "listing is pool-wide")
}

func TestGetPoolMetadata(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "sessions/metadata.json")), nil)
	resp, err := c.NewSessionsClient().GetPoolMetadata(context.Background(), nil)
	require.NoError(t, err)
	require.Equal(t, "node", *resp.Runtimes[0].Name)
	require.Equal(t, "axios", *resp.PreInstalledPackages[0].Name)
	require.Equal(t, "IJavascript", *resp.JupyterKernel.Name)
	require.Equal(t, "https://github.com/n-riesco/ijavascript", *resp.JupyterKernel.ProjectURL)
	require.Empty(t, srv.last(t).Query["identifier"])
}

func TestSessionErrorsAndBadBodies(t *testing.T) {
	c, _ := newRecordedClient(t, reply(http.StatusOK, []byte("not json")), nil)
	_, err := c.NewSessionsClient().Get(context.Background(), "s1", nil)
	require.Error(t, err)
	_, err = c.NewSessionsClient().GetPoolMetadata(context.Background(), nil)
	require.Error(t, err)

	c, _ = newRecordedClient(t, reply(http.StatusNotFound, nil), nil)
	_, err = c.NewSessionsClient().Get(context.Background(), "s1", nil)
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusNotFound, re.StatusCode)
}

// Session management exists from 2025-02-02-preview. A client pinned to an
// older version sends that one for SessionsClient's operations, and its own
// for everything else.
func TestSessionsClientRaisesOlderAPIVersion(t *testing.T) {
	for _, tc := range []struct {
		client azsessions.APIVersion
		want   string
	}{
		{azsessions.APIVersion20241002Preview, "2025-02-02-preview"},
		{"2024-02-02-preview", "2025-02-02-preview"},
		{azsessions.APIVersion20250202Preview, "2025-02-02-preview"},
		{azsessions.APIVersion20251002Preview, "2025-10-02-preview"},
		{"next", "next"},
	} {
		t.Run(string(tc.client), func(t *testing.T) {
			c, srv := newRecordedClient(t, reply(http.StatusNoContent, nil), &azsessions.ClientOptions{APIVersion: tc.client})
			_, err := c.NewSessionsClient().Delete(context.Background(), "s1", nil)
			require.NoError(t, err)
			require.Equal(t, tc.want, srv.last(t).Query["api-version"][0], "DELETE /session")

			_, _ = c.NewSessionsClient().GetPoolMetadata(context.Background(), nil)
			require.Equal(t, "/metadata", srv.last(t).Path)
			require.Equal(t, tc.want, srv.last(t).Query["api-version"][0], "GET /metadata")

			_, _ = c.NewFilesClient().Delete(context.Background(), "s1", "a.txt", nil)
			require.Equal(t, string(tc.client), srv.last(t).Query["api-version"][0], "files keep the client's version")
		})
	}
}

func TestAPIVersionPredates(t *testing.T) {
	for _, tc := range []struct {
		v, first azsessions.APIVersion
		want     bool
	}{
		{azsessions.APIVersion20241002Preview, azsessions.APIVersion20250202Preview, true},
		{azsessions.APIVersion20250202Preview, azsessions.APIVersion20250202Preview, false},
		{azsessions.APIVersion20251002Preview, azsessions.APIVersion20250202Preview, false},
		{"2025-02-01", azsessions.APIVersion20250202Preview, true},
		{"2025-13-01-preview", azsessions.APIVersion20250202Preview, false},
		{"", azsessions.APIVersion20250202Preview, false},
		{"next", azsessions.APIVersion20250202Preview, false},
		{azsessions.APIVersion20241002Preview, "next", false},
	} {
		require.Equal(t, tc.want, tc.v.Predates(tc.first), "%q.Predates(%q)", tc.v, tc.first)
	}
}

// TestListSessionsNextLinkKeepsTheSessionsAPIVersion: a client pinned to
// a version older than session management sends 2025-02-02-preview for the
// listing; a nextLink without api-version (as the docs show them) gets that
// version too, not the client's, which has no /listSessions.
func TestListSessionsNextLinkKeepsTheSessionsAPIVersion(t *testing.T) {
	page2 := func(r *http.Request) bool { return r.URL.Query().Get("skip") == "1" }
	c, srv := newRecordedClient(t, twoPages(t, page2, "sessions/list_sessions_page1.json", "sessions/list_value_page2.json", "/listSessions?skip=1"),
		&azsessions.ClientOptions{APIVersion: azsessions.APIVersion20241002Preview})
	pager := c.NewSessionsClient().NewListPager(nil)
	for pager.More() {
		_, err := pager.NextPage(context.Background())
		require.NoError(t, err)
	}
	reqs := srv.requests()
	require.Len(t, reqs, 2)
	for _, r := range reqs {
		require.Equal(t, []string{"2025-02-02-preview"}, r.Query["api-version"], "%s?%v", r.Path, r.Query)
	}
}
