package fake

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"
	"github.com/seed-f3fa2c9d/azsessions"
)

// poolPath matches the path of a session pool's management endpoint.
var poolPath = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/sessionPools/[^/]+`)

// pipelineHeaders are the request headers the client's pipeline adds; they
// are not passed to the fake in ContainerClientSendOptions.Header.
var pipelineHeaders = []string{"Authorization", "User-Agent", "X-Ms-Client-Request-Id", "Content-Length"}

// containerPath returns the unescaped request path below the pool endpoint.
func containerPath(req *http.Request) (string, error) {
	escaped := req.URL.EscapedPath()
	escaped = escaped[len(poolPath.FindString(escaped)):]
	if escaped == "" {
		return "/", nil
	}
	p, err := url.PathUnescape(escaped)
	if err != nil {
		return "", fmt.Errorf("failed to parse path %s: %w", req.URL.EscapedPath(), err)
	}
	return p, nil
}

func (s *ServerTransport) dispatchSend(req *http.Request) (*http.Response, error) {
	if s.srv.Send == nil {
		return nil, notImplemented("Send")
	}
	path, err := containerPath(req)
	if err != nil {
		return nil, err
	}
	q := req.URL.Query()
	identifier := q.Get(queryIdentifier)
	var options azsessions.ContainerClientSendOptions
	options.OmitAPIVersion = !q.Has(queryAPIVersion)
	q.Del(queryIdentifier)
	q.Del(queryAPIVersion)
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
	var body io.ReadSeeker
	if req.Body != nil && req.Body != http.NoBody {
		data, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, fmt.Errorf("reading the request body: %w", err)
		}
		if err := req.Body.Close(); err != nil {
			return nil, err
		}
		if len(data) > 0 {
			body = bytes.NewReader(data)
		}
	}
	var opts *azsessions.ContainerClientSendOptions
	if options.OmitAPIVersion || options.Query != nil || options.Header != nil {
		opts = &options
	}
	respr, errRespr := s.srv.Send(req.Context(), identifier, req.Method, path, body, opts)
	if err := server.GetError(errRespr, req); err != nil {
		return nil, err
	}
	c := content(respr)
	r := server.GetResponse(respr)
	respBody := io.ReadCloser(http.NoBody)
	length := int64(0)
	if r.Response != nil {
		for k, vs := range r.Response.Header {
			for _, v := range vs {
				c.Header.Add(k, v)
			}
		}
		if r.Response.Body != nil && r.Response.Body != http.NoBody {
			respBody = r.Response.Body
			length = r.Response.ContentLength
			if length == 0 {
				length = -1
			}
		}
	}
	resp, err := server.NewResponse(c, req, &server.ResponseOptions{Body: respBody})
	if err != nil {
		return nil, err
	}
	resp.ContentLength = length
	return resp, nil
}
