package azsessions

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// pagerSteps are what one pager is made of, in the azcore shape: the
// request for the first page and the reading of each page. newPager adds the
// rest, the same for every pager.
type pagerSteps[T any] struct {
	// apiName is the operation name, which azcore's fake dispatches on.
	apiName string
	// method is the HTTP method of every page's request.
	method string
	// apiVersion is added to a nextLink that lacks one; "" for the
	// client's. It is the version of the first page's request.
	apiVersion string
	// identifier is added to a nextLink that lacks it; "" for pool-wide
	// listings.
	identifier string
	// createRequest validates the arguments and builds the first page's
	// request.
	createRequest func(ctx context.Context) (*policy.Request, error)
	// handleResponse reads one page.
	handleResponse func(resp *http.Response) (T, error)
	// nextLink returns the page's link to the next one.
	nextLink func(page T) *string
}

// newPager returns a pager that fetches the first page with
// s.createRequest and follows each nextLink with nextLinkRequest, which
// checks the link before the credential is sent to it.
func newPager[T any](c *Client, s pagerSteps[T]) *runtime.Pager[T] {
	fetched := &fetchedPages{limit: maxPagesPerPager}
	return runtime.NewPager(runtime.PagingHandler[T]{
		More: func(page T) bool {
			next := s.nextLink(page)
			return next != nil && *next != ""
		},
		Fetcher: func(ctx context.Context, page *T) (T, error) {
			ctx = withAPIName(ctx, s.apiName)
			next := ""
			if page != nil {
				next = *s.nextLink(*page)
			}
			resp, err := runtime.FetcherForNextLink(ctx, c.internal.Pipeline(), next, func(ctx context.Context) (*policy.Request, error) {
				req, err := s.createRequest(ctx)
				if err != nil {
					return nil, err
				}
				return req, fetched.add(req.Raw().URL)
			}, &runtime.FetcherForNextLinkOptions{
				NextReq: func(ctx context.Context, nextLink string) (*policy.Request, error) {
					return c.nextLinkRequest(ctx, s.method, nextLink, s.apiVersion, s.identifier, fetched)
				},
			})
			if err != nil {
				var zero T
				return zero, err
			}
			return s.handleResponse(resp)
		},
		Tracer: c.internal.Tracer(),
	})
}

// nextLinkRequest builds the request for a nextLink the service sent. A
// relative link is resolved against the URL of the page it came in
// (fetched.last). The link must stay on the endpoint's host (it receives the
// bearer token); api-version (apiVersion, or the client's when empty), and
// identifier when not empty, are added when the service left them out.
// fetched holds the pages this pager already got: a nextLink back to one of
// them is refused, or the pager would never end.
func (c *Client) nextLinkRequest(ctx context.Context, method, nextLink, apiVersion, identifier string, fetched *fetchedPages) (*policy.Request, error) {
	link, err := c.trustedURLFrom(fetched.last, nextLink)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(link)
	if err != nil {
		return nil, err
	}
	if apiVersion == "" {
		apiVersion = c.apiVersion
	}
	u.RawQuery = withDefaults(u.Query(), apiVersion, identifier).Encode()
	if err := fetched.add(u); err != nil {
		return nil, err
	}
	req, err := runtime.NewRequest(ctx, method, u.String())
	if err != nil {
		return nil, err
	}
	req.Raw().Header.Set("Accept", "application/json")
	return req, nil
}

// skipQuery returns the skip query parameter of the session listings, when
// set. A negative Skip names no page and is refused before any request: the
// service's answer to one is not documented.
func skipQuery(skip *int32) (url.Values, error) {
	if skip == nil {
		return nil, nil
	}
	if *skip < 0 {
		return nil, fmt.Errorf("%w: Skip is %d; it counts sessions to pass over and cannot be negative", ErrInvalidArgument, *skip)
	}
	return url.Values{querySkip: {strconv.Itoa(int(*skip))}}, nil
}

// withDefaults adds api-version and, when not empty, identifier to q where
// the service left them out of a URL it sent.
func withDefaults(q url.Values, apiVersion, identifier string) url.Values {
	if q.Get(queryAPIVersion) == "" {
		q.Set(queryAPIVersion, apiVersion)
	}
	if identifier != "" && q.Get(queryIdentifier) == "" {
		q.Set(queryIdentifier, identifier)
	}
	return q
}

// fetchedPages is the set of pages one pager has requested, keyed by URL
// with the query in a fixed order (the service may reorder it) and scheme,
// host and path in lower case (Azure paths are case-insensitive). A pager is
// not safe for concurrent use, and neither is this.
type fetchedPages struct {
	seen map[string]struct{}
	// limit is the most pages the pager fetches: a service that sends a new
	// nextLink forever would otherwise keep the pager going, and seen
	// growing, until the caller's deadline.
	limit int
	// last is the URL of the latest page requested, against which its
	// relative nextLink is resolved; nil before the first.
	last *url.URL
}

// maxPagesPerPager bounds a listing at 100,000 pages, far above any real
// listing (a pool holds at most a few thousand sessions, and a file page
// holds many entries), and about 20 MB of remembered links.
const maxPagesPerPager = 100_000

// add records u as the page requested now, or returns ErrRepeatedNextLink
// if it was requested before and ErrTooManyPages past the limit.
func (f *fetchedPages) add(u *url.URL) error {
	key := strings.ToLower(u.Scheme+"://"+u.Host+u.EscapedPath()) + "?" + u.Query().Encode()
	if _, dup := f.seen[key]; dup {
		return fmt.Errorf("%w: %s", ErrRepeatedNextLink, u.EscapedPath())
	}
	if len(f.seen) >= f.limit {
		return fmt.Errorf("%w: %d pages", ErrTooManyPages, f.limit)
	}
	if f.seen == nil {
		f.seen = make(map[string]struct{})
	}
	f.seen[key] = struct{}{}
	last := *u
	f.last = &last
	return nil
}
