package azsessions

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// A service that sends a new nextLink on every page would keep a pager
// going until the caller's deadline; the pager stops at its page limit.
func TestFetchedPagesStopsAtTheLimitWhenEveryLinkIsNew(t *testing.T) {
	f := &fetchedPages{limit: 3}
	for i := range 3 {
		u, err := url.Parse(fmt.Sprintf("https://pool.example/files?page=%d", i))
		require.NoError(t, err)
		require.NoError(t, f.add(u), "page %d is under the limit", i)
	}
	u, err := url.Parse("https://pool.example/files?page=3")
	require.NoError(t, err)
	err = f.add(u)
	require.ErrorIs(t, err, ErrTooManyPages)
	require.Contains(t, err.Error(), "3 pages")
	require.Len(t, f.seen, 3, "nothing more is remembered past the limit")
}
