package azsessions_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// drain runs a for-pager.More() loop the way callers write it, but gives up
// after limit pages so that a pager that never ends fails the test instead
// of hanging it. It returns the pages read and the error that ended it.
func drain(limit int, more func() bool, next func(context.Context) error) (int, error) {
	pages := 0
	for more() {
		if pages == limit {
			return pages, fmt.Errorf("the pager was still going after %d pages", limit)
		}
		if err := next(context.Background()); err != nil {
			return pages, err
		}
		pages++
	}
	return pages, nil
}

// loopingServer answers every request with an envelope whose nextLink is
// link(page), page counting the requests from 1.
func loopingServer(envelope string, link func(base string, page int) string) (http.HandlerFunc, *string) {
	base := new(string)
	page := 0
	return func(w http.ResponseWriter, r *http.Request) {
		page++
		next := link(*base+poolPath, page)
		reply(http.StatusOK, []byte(strings.ReplaceAll(envelope, "NEXT", next)))(w, r)
	}, base
}

// TestPagersStopOnARepeatedNextLink serves nextLinks that lead back to pages
// already fetched: to the same page forever, in a two-page cycle, and back
// to the first page. Every pager stops with ErrRepeatedNextLink after
// fetching each page once.
func TestPagersStopOnARepeatedNextLink(t *testing.T) {
	loops := map[string]struct {
		link  func(base string, page int) string
		pages int // pages fetched before the repeat
	}{
		"same link forever": {func(base string, _ int) string { return base + "/list?token=a" }, 2},
		"two-page cycle": {func(base string, page int) string {
			return fmt.Sprintf("%s/list?token=%c", base, "ab"[page%2])
		}, 3},
		"reordered query": {func(base string, page int) string {
			if page%2 == 1 {
				return base + "/list?a=1&b=2"
			}
			return base + "/LIST?b=2&a=1"
		}, 2},
	}
	pagers := map[string]struct {
		envelope string
		run      func(c *azsessions.Client) (int, error)
	}{
		"files": {`{"value":[{"name":"f.txt","type":"file"}],"nextLink":"NEXT"}`, func(c *azsessions.Client) (int, error) {
			p := c.NewFilesClient().NewListPager("s1", nil)
			return drain(100, p.More, func(ctx context.Context) error { _, err := p.NextPage(ctx); return err })
		}},
		"sessions": {`{"sessions":[{"identifier":"s1"}],"nextLink":"NEXT"}`, func(c *azsessions.Client) (int, error) {
			p := c.NewSessionsClient().NewListPager(nil)
			return drain(100, p.More, func(ctx context.Context) error { _, err := p.NextPage(ctx); return err })
		}},
		"container sessions": {`{"value":[{"identifier":"s1"}],"nextLink":"NEXT"}`, func(c *azsessions.Client) (int, error) {
			p := c.NewContainerClient().NewListSessionsPager(nil)
			return drain(100, p.More, func(ctx context.Context) error { _, err := p.NextPage(ctx); return err })
		}},
	}
	for pagerName, pager := range pagers {
		for loopName, loop := range loops {
			t.Run(pagerName+"/"+loopName, func(t *testing.T) {
				h, base := loopingServer(pager.envelope, loop.link)
				c, srv := newRecordedClient(t, h, nil)
				*base = srv.URL
				pages, err := pager.run(c)
				require.ErrorIs(t, err, azsessions.ErrRepeatedNextLink)
				require.Equal(t, loop.pages, pages)
				require.Len(t, srv.requests(), loop.pages, "the repeated page is never requested")
			})
		}
	}
}

// TestPagerStopsOnALinkBackToTheFirstPage sends back the first page's own
// URL as nextLink.
func TestPagerStopsOnALinkBackToTheFirstPage(t *testing.T) {
	h, base := loopingServer(`{"value":[],"nextLink":"NEXT"}`, func(base string, _ int) string {
		return base + "/files?identifier=s1&api-version=2025-10-02-preview"
	})
	c, srv := newRecordedClient(t, h, nil)
	*base = srv.URL
	p := c.NewFilesClient().NewListPager("s1", nil)
	pages, err := drain(100, p.More, func(ctx context.Context) error { _, err := p.NextPage(ctx); return err })
	require.ErrorIs(t, err, azsessions.ErrRepeatedNextLink)
	require.Equal(t, 1, pages)
}
