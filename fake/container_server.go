package fake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"
	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/wire"
)

// ContainerServer is a fake server for instances of the
// azsessions.ContainerClient type: one function per method, named after it.
// A nil function makes its method fail with the error
// "fake for method ContainerServer.<Method> not implemented".
type ContainerServer struct {
	// Send is the fake for method ContainerClient.Send.
	// Any HTTP status code may be returned; it is the one given to
	// SetResponse. The response's embedded *http.Response, when not nil,
	// supplies the headers and the body streamed to the caller; a body
	// shorter than its ContentLength fails the caller's read with
	// io.ErrUnexpectedEOF, and a longer one is cut at it, as on the wire.
	// The answer to a HEAD keeps its ContentLength and has no body.
	// path is the unescaped request path below the client's endpoint,
	// whatever its shape (https://fake.example, or a pool's
	// .../sessionPools/{pool}), starting with "/"; body is nil when the
	// request had none.
	// options.Header holds the request's headers except those the pipeline
	// adds (Authorization, User-Agent, X-Ms-Client-Request-Id,
	// Content-Length), with canonical names; options.Query the query
	// parameters except identifier and the client's api-version (with
	// OmitAPIVersion, an api-version sent is the container's own, in
	// options.Query).
	Send func(ctx context.Context, identifier string, method string, path string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder)

	// GetSession is the fake for method ContainerClient.GetSession.
	// HTTP status codes to indicate success: http.StatusOK.
	GetSession func(ctx context.Context, identifier string, options *azsessions.ContainerClientGetSessionOptions) (resp azfake.Responder[azsessions.ContainerClientGetSessionResponse], errResp azfake.ErrorResponder)

	// NewListSessionsPager is the fake for method
	// ContainerClient.NewListSessionsPager.
	// HTTP status codes to indicate success: http.StatusOK.
	// It is called once per pager; the transport sets the NextLink of every
	// page but the last.
	NewListSessionsPager func(options *azsessions.ContainerClientListSessionsOptions) (resp azfake.PagerResponder[azsessions.ContainerClientListSessionsResponse])
}

// NewContainerServerTransport returns a ContainerServerTransport that
// answers a ContainerClient's requests with srv. Connect it through
// azsessions.ClientOptions.ClientOptions.Transport. Changes to srv's fields
// after this call are seen by the transport.
func NewContainerServerTransport(srv *ContainerServer) *ContainerServerTransport {
	t := &ContainerServerTransport{
		srv:                  srv,
		newListSessionsPager: newTracker[pagerState[azsessions.ContainerClientListSessionsResponse]](),
	}
	t.clientTransport = newClientTransport("ContainerServer", srv, map[string]handler{
		"ContainerClient.Send":                 t.dispatchSend,
		"ContainerClient.GetSession":           t.dispatchGetSession,
		"ContainerClient.NewListSessionsPager": t.dispatchNewListSessionsPager,
	})
	return t
}

// ContainerServerTransport connects instances of azsessions.ContainerClient
// to a ContainerServer. It implements policy.Transporter and is safe for
// concurrent use. Don't use this type directly; use
// NewContainerServerTransport instead.
type ContainerServerTransport struct {
	clientTransport
	srv                  *ContainerServer
	newListSessionsPager *tracker[pagerState[azsessions.ContainerClientListSessionsResponse]]
}

func (t *ContainerServerTransport) dispatchSend(req *http.Request) (*http.Response, error) {
	path, err := containerPath(req)
	if err != nil {
		return nil, err
	}
	body, err := requestBody(req)
	if err != nil {
		return nil, err
	}
	identifier, options := sendOptions(req)
	resp, errResp := t.srv.Send(req.Context(), identifier, req.Method, path, body, options)
	return respond(req, resp, errResp, sendBody)
}

func (t *ContainerServerTransport) dispatchGetSession(req *http.Request) (*http.Response, error) {
	resp, errResp := t.srv.GetSession(req.Context(), req.URL.Query().Get(wire.QueryIdentifier), nil)
	return respond(req, resp, errResp, jsonBody(func(r azsessions.ContainerClientGetSessionResponse) any { return r.Session }), http.StatusOK)
}

func (t *ContainerServerTransport) dispatchNewListSessionsPager(req *http.Request) (*http.Response, error) {
	return nextPage(t.newListSessionsPager, req, func(q url.Values) azfake.PagerResponder[azsessions.ContainerClientListSessionsResponse] {
		var options *azsessions.ContainerClientListSessionsOptions
		if skip := skipOption(q); skip != nil {
			options = &azsessions.ContainerClientListSessionsOptions{Skip: skip}
		}
		return t.srv.NewListSessionsPager(options)
	})
}

// poolPath matches the path of a session pool's management endpoint.
var poolPath = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/sessionPools/[^/]+`)

// pipelineHeaders are the request headers the client's pipeline adds; they
// are not passed to the fake in ContainerClientSendOptions.Header.
var pipelineHeaders = []string{"Authorization", "User-Agent", wire.HeaderClientRequestID, "Content-Length"}

// containerPath returns the unescaped request path below the pool endpoint:
// below the client's endpoint path, which Send gives in the context, or
// else below what looks like a pool's path.
func containerPath(req *http.Request) (string, error) {
	escaped := req.URL.EscapedPath()
	if prefix, ok := req.Context().Value(wire.EndpointPath{}).(string); ok && strings.HasPrefix(escaped, prefix) {
		escaped = escaped[len(prefix):]
	} else {
		escaped = escaped[len(poolPath.FindString(escaped)):]
	}
	if escaped == "" {
		return "/", nil
	}
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return "", fmt.Errorf("failed to parse path %s: %w", req.URL.EscapedPath(), err)
	}
	return p, nil
}

// sendOptions recovers the identifier and the options of a Send: nil when
// the request carried none of the options' fields.
func sendOptions(req *http.Request) (string, *azsessions.ContainerClientSendOptions) {
	q := req.URL.Query()
	identifier := q.Get(wire.QueryIdentifier)
	var options azsessions.ContainerClientSendOptions
	// With OmitAPIVersion, an api-version in the query is the container's
	// own, from options.Query.
	omitted, _ := req.Context().Value(wire.OmitsAPIVersion{}).(bool)
	options.OmitAPIVersion = omitted || !q.Has(wire.QueryAPIVersion)
	q.Del(wire.QueryIdentifier)
	if !omitted {
		q.Del(wire.QueryAPIVersion)
	}
	if len(q) > 0 {
		options.Query = q
	}
	h := req.Header.Clone()
	for _, name := range pipelineHeaders {
		h.Del(name)
	}
	if len(h) > 0 {
		options.Header = h
	}
	if !options.OmitAPIVersion && options.Query == nil && options.Header == nil {
		return identifier, nil
	}
	return identifier, &options
}

// requestBody reads the request's body; nil when it had none or an empty
// one.
func requestBody(req *http.Request) (io.ReadSeeker, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	data, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, fmt.Errorf("reading the request body: %w", err)
	}
	if err := req.Body.Close(); err != nil {
		return nil, err
	}
	if len(data) == 0 {
		return nil, nil
	}
	return bytes.NewReader(data), nil
}

// sendBody sends the headers of the response's *http.Response, when set,
// with the responder's, and streams its body, held to its ContentLength
// (see lengthBody); the answer to a HEAD has none.
func sendBody(c server.ResponseContent, r azsessions.ContainerClientSendResponse, req *http.Request) (*http.Response, error) {
	body := io.ReadCloser(http.NoBody)
	length := int64(0)
	if r.Response != nil {
		for k, vs := range r.Response.Header {
			for _, v := range vs {
				c.Header.Add(k, v)
			}
		}
		if r.Response.Body != nil && r.Response.Body != http.NoBody {
			body = r.Response.Body
			length = r.Response.ContentLength
			if length == 0 {
				length = -1
			}
		}
	}
	resp, err := server.NewResponse(c, req, &server.ResponseOptions{Body: body})
	if err != nil {
		return nil, err
	}
	resp.ContentLength = length
	switch {
	case req.Method == http.MethodHead:
		// As on the wire: the answer to a HEAD has no body, and its
		// length is the one a GET would get.
		if err := resp.Body.Close(); err != nil {
			return nil, err
		}
		resp.Body = http.NoBody
		if length == 0 && r.Response != nil {
			// A HEAD's answer is written with its length and no body.
			resp.ContentLength = r.Response.ContentLength
		}
	case length > 0:
		// As on the wire: no more than the declared length, and a
		// shorter body is cut short.
		resp.Body = &lengthBody{body: resp.Body, left: length}
	}
	return resp, nil
}
