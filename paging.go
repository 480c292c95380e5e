package azsessions

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// fetchPage gets the first page with first, or sends method to nextLink. The
// nextLink must stay on the endpoint's host (it receives the bearer token);
// api-version, and identifier when not empty, are added when the service
// left them out. fetched holds the pages this pager already got: a nextLink
// back to one of them is refused, or the pager would never end.
func (c *Client) fetchPage(ctx context.Context, method, nextLink, identifier string, fetched *fetchedPages, first func(context.Context) (*http.Request, error)) (*http.Response, error) {
	var raw *http.Request
	if nextLink == "" {
		r, err := first(ctx)
		if err != nil {
			return nil, err
		}
		raw = r
	} else {
		link, err := c.trustedURL(nextLink)
		if err != nil {
			return nil, err
		}
		u, err := url.Parse(link)
		if err != nil {
			return nil, err
		}
		u.RawQuery = withDefaults(u.Query(), c.apiVersion, identifier).Encode()
		req, err := runtime.NewRequest(ctx, method, u.String())
		if err != nil {
			return nil, err
		}
		req.Raw().Header.Set("Accept", "application/json")
		raw = req.Raw()
	}
	if err := fetched.add(raw.URL); err != nil {
		return nil, err
	}
	req, err := runtime.NewRequestFromRequest(raw)
	if err != nil {
		return nil, err
	}
	resp, err := c.internal.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, runtime.NewResponseError(resp)
	}
	return resp, nil
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
}

// add records u, or returns ErrRepeatedNextLink if it was requested before.
func (f *fetchedPages) add(u *url.URL) error {
	key := strings.ToLower(u.Scheme+"://"+u.Host+u.EscapedPath()) + "?" + u.Query().Encode()
	if _, dup := f.seen[key]; dup {
		return fmt.Errorf("%w: %s", ErrRepeatedNextLink, u.EscapedPath())
	}
	if f.seen == nil {
		f.seen = make(map[string]struct{})
	}
	f.seen[key] = struct{}{}
	return nil
}
