package server

import (
	"net/url"
	"strconv"
)

// absoluteURL builds a URL on the host the client called, so that a client
// that refuses links to other hosts (the SDK does, to protect its token)
// follows it. path is the escaped path; query replaces the request's.
func (c *call) absoluteURL(escapedPath string, query url.Values) string {
	u := url.URL{Scheme: requestScheme(c.r), Host: c.r.Host, RawPath: escapedPath, RawQuery: query.Encode()}
	if p, err := url.PathUnescape(escapedPath); err == nil {
		u.Path = p
	}
	return u.String()
}

// nextLink is the request's own URL with one query parameter set to value.
func (c *call) nextLink(param, value string) string {
	q := url.Values{}
	for k, v := range c.query {
		q[k] = append([]string(nil), v...)
	}
	q.Set(param, value)
	return c.absoluteURL(c.r.URL.EscapedPath(), q)
}

// intParam parses a non-negative integer query parameter, def when absent.
func (c *call) intParam(name string, def int) (int, error) {
	v := c.query.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, badRequest("the %s query parameter must be a non-negative integer, got %q", name, v)
	}
	return n, nil
}

// boolParam parses a boolean query parameter ("true"/"false", any casing).
func (c *call) boolParam(name string) (bool, error) {
	v := c.query.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badRequest("the %s query parameter must be true or false, got %q", name, v)
	}
	return b, nil
}

// page cuts [skip, skip+size) out of n items and says where the next page
// starts (-1 when this is the last).
func page(n, skip, size int) (lo, hi, next int) {
	lo = min(skip, n)
	hi = min(lo+size, n)
	next = -1
	if hi < n {
		next = hi
	}
	return lo, hi, next
}
