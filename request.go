package azsessions

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

const (
	queryAPIVersion = "api-version"
	queryIdentifier = "identifier"
	queryPath       = "path"
	queryRecursive  = "recursive"
	querySkip       = "skip"
)

// newRequest builds a request for endpoint + path (path segments already
// escaped) with api-version and, when not empty, identifier on the query.
func (c *Client) newRequest(ctx context.Context, method, path, identifier string, query url.Values) (*policy.Request, error) {
	req, err := runtime.NewRequest(ctx, method, c.endpoint+path)
	if err != nil {
		return nil, err
	}
	// Built by hand: this runs on every call, and url.Values.Encode sorts.
	var q strings.Builder
	q.Grow(len(queryAPIVersion+"=&"+queryIdentifier+"=") + len(c.apiVersion) + 3*len(identifier))
	q.WriteString(queryAPIVersion + "=")
	q.WriteString(url.QueryEscape(c.apiVersion))
	if identifier != "" {
		q.WriteString("&" + queryIdentifier + "=")
		q.WriteString(url.QueryEscape(identifier))
	}
	if len(query) > 0 {
		q.WriteByte('&')
		q.WriteString(query.Encode())
	}
	req.Raw().URL.RawQuery = q.String()
	req.Raw().Header.Set("Accept", "application/json")
	return req, nil
}

// withAPIName tags ctx with the operation name, which azcore's fake
// transports dispatch on.
func withAPIName(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, runtime.CtxAPINameKey{}, name)
}

// trustedURL resolves a URL the service sent (nextLink, Operation-Location)
// against the endpoint and refuses one on another host, which would receive
// the bearer token.
func (c *Client) trustedURL(raw string) (string, error) {
	base, err := url.Parse(c.endpoint + "/")
	if err != nil {
		return "", err
	}
	ref, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUntrustedURL, err)
	}
	u := base.ResolveReference(ref)
	if !strings.EqualFold(u.Host, c.host) || u.Scheme != base.Scheme {
		return "", fmt.Errorf("%w: %s://%s", ErrUntrustedURL, u.Scheme, u.Host)
	}
	// Azure resource paths are case-insensitive, and services send them back
	// in any casing (resourcegroups, sessionpools).
	if strings.HasPrefix(raw, "/") && !strings.HasPrefix(strings.ToLower(u.Path), strings.ToLower(base.Path)) && base.Path != "/" {
		// A root-relative link from a pool under a path prefix: keep the prefix.
		u.Path = strings.TrimSuffix(base.Path, "/") + ref.Path
		u.RawPath = ""
		if ref.RawPath != "" {
			u.RawPath = strings.TrimSuffix(base.EscapedPath(), "/") + ref.RawPath
		}
	}
	return u.String(), nil
}

// checkIdentifier refuses identifiers no pool accepts before sending them.
func checkIdentifier(identifier string) error {
	switch {
	case identifier == "":
		return fmt.Errorf("%w: identifier is empty", ErrInvalidIdentifier)
	case !utf8.ValidString(identifier):
		return fmt.Errorf("%w: identifier is not valid UTF-8", ErrInvalidIdentifier)
	case strings.IndexFunc(identifier, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: identifier holds a control character", ErrInvalidIdentifier)
	}
	return nil
}

// checkFileName refuses names that are not a single path element.
func checkFileName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: file name is empty", ErrInvalidFileName)
	case name == "." || name == "..":
		return fmt.Errorf("%w: %q is not a file name", ErrInvalidFileName, name)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("%w: %q holds a path separator; put the directory in the Path option", ErrInvalidFileName, name)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: file name is not valid UTF-8", ErrInvalidFileName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: %q holds a control character", ErrInvalidFileName, name)
	}
	return nil
}

// checkExecutionID refuses execution ids that would name another resource
// once a server or proxy normalises the URL path.
func checkExecutionID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: executionID is empty", ErrInvalidArgument)
	case id == "." || id == "..":
		return fmt.Errorf("%w: %q is not an execution id", ErrInvalidArgument, id)
	case !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: executionID %q holds a control character or invalid UTF-8", ErrInvalidArgument, id)
	}
	return nil
}

// checkPath refuses directory paths that climb out of /mnt/data.
func checkPath(path *string) error {
	if path == nil {
		return nil
	}
	p := *path
	if !utf8.ValidString(p) || strings.IndexFunc(p, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: %q holds a control character or invalid UTF-8", ErrInvalidPath, p)
	}
	for _, seg := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if seg == ".." {
			return fmt.Errorf("%w: %q has a \"..\" segment", ErrInvalidPath, p)
		}
	}
	return nil
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

// noDoubleRunRetry returns the caller's retry options narrowed so that a
// request whose code may have run is never sent again: only 429 and 503,
// which say the request was not processed, are retried (after Retry-After).
// A transport error is not retried, as the code may already be running.
func noDoubleRunRetry(opts policy.RetryOptions) policy.RetryOptions {
	opts.StatusCodes = nil
	opts.ShouldRetry = retryOnlyUnprocessed
	return opts
}

func retryOnlyUnprocessed(resp *http.Response, err error) bool {
	if err != nil || resp == nil {
		return false
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
}

// operationID returns the caller's ID or a new one.
func operationID(id *string) (string, error) {
	if id != nil {
		if *id == "" {
			return "", fmt.Errorf("%w: OperationID is empty", ErrInvalidArgument)
		}
		return *id, nil
	}
	return newUUID()
}

// newUUID returns a random (version 4) UUID. It formats by hand: azcore's
// runtime.NewUUID goes through fmt.Sprintf, a measurable part of a call.
func newUUID() (string, error) {
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return "", err
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:], u[10:])
	return string(s[:]), nil
}
