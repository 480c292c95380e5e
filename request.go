package azsessions

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/seed-f3fa2c9d/azsessions/internal/wire"
)

// Query parameters of the service, named once in package wire.
const (
	queryAPIVersion = wire.QueryAPIVersion
	queryIdentifier = wire.QueryIdentifier
	queryPath       = wire.QueryPath
	queryRecursive  = wire.QueryRecursive
	querySkip       = wire.QuerySkip
)

// newRequest builds a request for endpoint + path (path segments already
// escaped) with the client's api-version and, when not empty, identifier on
// the query.
func (c *Client) newRequest(ctx context.Context, method, path, identifier string, query url.Values) (*policy.Request, error) {
	return c.newRequestAt(ctx, c.apiVersion, method, path, identifier, query)
}

// newRequestAt is newRequest with the api-version given, for operations that
// do not exist at every version the client may be set to; "" sends none.
func (c *Client) newRequestAt(ctx context.Context, apiVersion, method, path, identifier string, query url.Values) (*policy.Request, error) {
	req, err := runtime.NewRequest(ctx, method, c.endpoint+path)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if apiVersion != "" {
		q.Set(queryAPIVersion, apiVersion)
	}
	if identifier != "" {
		q.Set(queryIdentifier, identifier)
	}
	for k, vs := range query {
		q[k] = append(q[k], vs...)
	}
	req.Raw().URL.RawQuery = q.Encode()
	req.Raw().Header.Set("Accept", "application/json")
	return req, nil
}

// withAPIName tags ctx with the operation name, which azcore's fake
// transports dispatch on.
func withAPIName(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, runtime.CtxAPINameKey{}, name)
}

// trustedURL resolves a URL the service sent (Operation-Location, a
// resume token's poll URL) against the endpoint and refuses one on another
// host, which would receive the bearer token.
func (c *Client) trustedURL(raw string) (string, error) {
	return c.trustedURLFrom(nil, raw)
}

// trustedURLFrom is trustedURL for a URL that came in the answer from the
// URL from (a nextLink in a listing page): a relative one is resolved
// against from, as RFC 3986 (section 5.1.3) says, so that a query-only
// "?skip=300" names the listing itself. A nil from is the endpoint.
func (c *Client) trustedURLFrom(from *url.URL, raw string) (string, error) {
	endpoint, err := url.Parse(c.endpoint + "/")
	if err != nil {
		return "", err
	}
	base := endpoint
	if from != nil {
		base = from
	}
	ref, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUntrustedURL, err)
	}
	u := base.ResolveReference(ref)
	if canonicalHost(u) != canonicalHost(endpoint) || u.Scheme != endpoint.Scheme {
		return "", fmt.Errorf("%w: %s://%s", ErrUntrustedURL, u.Scheme, u.Host)
	}
	// Azure resource paths are case-insensitive, and services send them back
	// in any casing (resourcegroups, sessionpools).
	if strings.HasPrefix(raw, "/") && !strings.HasPrefix(strings.ToLower(u.Path), strings.ToLower(endpoint.Path)) && endpoint.Path != "/" {
		// A root-relative link from a pool under a path prefix: keep the prefix.
		u.Path = strings.TrimSuffix(endpoint.Path, "/") + ref.Path
		u.RawPath = ""
		if ref.RawPath != "" {
			u.RawPath = strings.TrimSuffix(endpoint.EscapedPath(), "/") + ref.RawPath
		}
	}
	return u.String(), nil
}

// canonicalHost is u's host in lower case without the scheme's default
// port: https://pool and https://pool:443 are one origin, which gets the
// token either way.
func canonicalHost(u *url.URL) string {
	host := strings.ToLower(u.Host)
	if port := u.Port(); (port == "443" && u.Scheme == "https") || (port == "80" && u.Scheme == "http") {
		host = strings.ToLower(u.Hostname())
		if strings.Contains(host, ":") {
			host = "[" + host + "]" // an IPv6 literal
		}
	}
	return host
}

// filePath returns the escaped URL path of a file operation.
func filePath(name string, suffix string) string {
	return "/files/" + url.PathEscape(name) + suffix
}

// pathQuery returns the path query parameter, when set.
func pathQuery(path *string) url.Values {
	if path == nil {
		return nil
	}
	return url.Values{queryPath: {*path}}
}
