package azsessions_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// TestNegativeSkipIsRefused: a negative Skip names no page; both session
// listings refuse it with ErrInvalidArgument, saying so, before any request
// (the service's answer to skip=-1 is undocumented).
func TestNegativeSkipIsRefused(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, []byte(`{"sessions":[],"value":[]}`)), nil)
	nextPages := map[string]func(context.Context) error{
		"SessionsClient.NewListPager": func(ctx context.Context) error {
			_, err := c.NewSessionsClient().NewListPager(&azsessions.SessionsClientListOptions{Skip: ptr[int32](-1)}).NextPage(ctx)
			return err
		},
		"ContainerClient.NewListSessionsPager": func(ctx context.Context) error {
			_, err := c.NewContainerClient().NewListSessionsPager(&azsessions.ContainerClientListSessionsOptions{Skip: ptr[int32](-300)}).NextPage(ctx)
			return err
		},
	}
	for name, next := range nextPages {
		t.Run(name, func(t *testing.T) {
			err := next(context.Background())
			require.ErrorIs(t, err, azsessions.ErrInvalidArgument)
			require.Contains(t, err.Error(), "Skip")
			require.Contains(t, err.Error(), "negative")
		})
	}
	require.Empty(t, srv.requests(), "nothing is sent")
}

// TestQueryOnlyNextLinkResolvesAgainstTheListing: a nextLink that is only a
// query ("?skip=1") names the listing's own URL with that query (RFC 3986,
// section 5.2.2, against the URL the page came from), not the pool
// endpoint's root; a relative path ("listSessions?skip=1") is resolved
// against that URL too, so it stays under /.management. api-version and
// identifier are added as for any link.
func TestQueryOnlyNextLinkResolvesAgainstTheListing(t *testing.T) {
	cases := map[string]struct {
		path  string // of the listing, relative to the pool
		page1 string // its first page; the second has no nextLink
		page2 string
		list  func(c *azsessions.Client) (int, error)
	}{
		"sessions": {"/listSessions", `{"sessions":[{"identifier":"a"}],"nextLink":"?skip=1"}`, `{"sessions":[{"identifier":"b"}]}`,
			func(c *azsessions.Client) (int, error) {
				p := c.NewSessionsClient().NewListPager(nil)
				return drain(10, p.More, func(ctx context.Context) error { _, err := p.NextPage(ctx); return err })
			}},
		"container sessions": {"/.management/listSessions", `{"value":[{"identifier":"a"}],"nextLink":"?skip=1"}`, `{"value":[{"identifier":"b"}]}`,
			func(c *azsessions.Client) (int, error) {
				p := c.NewContainerClient().NewListSessionsPager(nil)
				return drain(10, p.More, func(ctx context.Context) error { _, err := p.NextPage(ctx); return err })
			}},
		"container sessions, relative path": {"/.management/listSessions", `{"value":[{"identifier":"a"}],"nextLink":"listSessions?skip=1"}`, `{"value":[{"identifier":"b"}]}`,
			func(c *azsessions.Client) (int, error) {
				p := c.NewContainerClient().NewListSessionsPager(nil)
				return drain(10, p.More, func(ctx context.Context) error { _, err := p.NextPage(ctx); return err })
			}},
		"files": {"/files", `{"value":[{"name":"a","type":"file"}],"nextLink":"?skip=1"}`, `{"value":[{"name":"b","type":"file"}]}`,
			func(c *azsessions.Client) (int, error) {
				p := c.NewFilesClient().NewListPager("s1", nil)
				return drain(10, p.More, func(ctx context.Context) error { _, err := p.NextPage(ctx); return err })
			}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("skip") == "1" {
					reply(http.StatusOK, []byte(tc.page2))(w, r)
					return
				}
				reply(http.StatusOK, []byte(tc.page1))(w, r)
			}, nil)
			pages, err := tc.list(c)
			require.NoError(t, err)
			require.Equal(t, 2, pages)
			reqs := srv.requests()
			require.Len(t, reqs, 2)
			require.Equal(t, tc.path, reqs[1].Path, "the second page is asked of the listing's URL")
			require.Equal(t, []string{"1"}, reqs[1].Query["skip"])
			require.NotEmpty(t, reqs[1].Query["api-version"])
		})
	}
}
