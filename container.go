package azsessions

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/seed-f3fa2c9d/azsessions/internal/wire"
)

// ContainerClient sends any HTTP request to a session of a custom-container
// pool, whose sessions run your own container image: the pool forwards the
// request to the container of the session named by identifier, allocating
// it first when the identifier is new. Get one from
// Client.NewContainerClient. It is safe for concurrent use.
type ContainerClient struct {
	c *Client
}

// Send sends a request with the given method to path (for example
// "/api/run"; each segment is escaped by the SDK) in the session named
// identifier, through the client's pipeline: authentication, the
// identifier and api-version query parameters, logging and retries are the
// same as for every other call. body may be nil (or hold a nil pointer) for
// none; it is streamed from its start and rewound to its start for
// retries (as with FilesClient.Upload, a Read of body that blocks holds the
// call past the end of ctx until it returns). GET, HEAD, PUT, DELETE and
// OPTIONS are retried as usual; other methods only on 429 and 503 and after
// a failed dial (which sent nothing), so the container never sees a request
// twice because of the SDK.
//
// A retry follows a lost answer, a try's timeout or a 5xx, after which the
// container may have done what the earlier try asked: the response is the
// last try's, which can differ from the first's (a DELETE whose first try
// deleted can come back 404). Unlike SessionsClient.Delete, Send cannot
// read such a 404 as success, since the container defines what its codes
// mean. To see the first try's answer or failure, and never a retry's,
// pass a ctx from policy.WithRetryOptions with RetryOptions.MaxRetries -1.
//
// The response is returned whatever its status code, as the container
// defines what its codes mean; build an *azcore.ResponseError with
// runtime.NewResponseError if you want one. A redirect is not followed: a
// 3xx comes back as it was sent. The caller must close resp.Body, which is
// streamed (a failed answer, status 400 or more, is read into memory by
// azcore first, up to 16 MiB; past that Send fails with
// ErrResponseTooLarge).
func (client *ContainerClient) Send(ctx context.Context, identifier string, method string, path string, body io.ReadSeeker, options *ContainerClientSendOptions) (resp ContainerClientSendResponse, err error) {
	const operationName = "ContainerClient.Send"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	if options == nil {
		options = &ContainerClientSendOptions{}
	}
	if err := checkIdentifier(identifier); err != nil {
		return ContainerClientSendResponse{}, err
	}
	escaped, err := escapeContainerPath(path)
	if err != nil {
		return ContainerClientSendResponse{}, err
	}
	if method == "" {
		method = http.MethodGet
	}
	if !isToken(method) {
		return ContainerClientSendResponse{}, fmt.Errorf("%w: method %q is not an HTTP token", ErrInvalidArgument, method)
	}
	if err := checkHeaders(options.Header); err != nil {
		return ContainerClientSendResponse{}, err
	}
	apiVersion := client.c.apiVersion
	if options.OmitAPIVersion {
		apiVersion = "" // the container's own api-version may then be in Query
		ctx = context.WithValue(ctx, wire.OmitsAPIVersion{}, true)
	}
	if err := checkSendQuery(options.Query, apiVersion); err != nil {
		return ContainerClientSendResponse{}, err
	}
	if !idempotent(method) {
		ctx = policy.WithRetryOptions(ctx, client.c.singleRun)
	}
	ctx = withResponseLimit(ctx, responseLimit{send: true})
	ctx = context.WithValue(ctx, wire.EndpointPath{}, client.c.endpointPath)
	req, err := client.c.newRequestAt(ctx, apiVersion, method, escaped, identifier, options.Query)
	if err != nil {
		return ContainerClientSendResponse{}, err
	}
	req.Raw().Header.Del("Accept")
	addSendHeaders(req.Raw().Header, options.Header)
	if !isNil(body) {
		if err := req.SetBody(guardBody(body), req.Raw().Header.Get("Content-Type")); err != nil {
			return ContainerClientSendResponse{}, err
		}
	}
	runtime.SkipBodyDownload(req)
	httpResp, err := client.c.internal.Pipeline().Do(req)
	if err != nil {
		return ContainerClientSendResponse{}, err
	}
	return ContainerClientSendResponse{Response: httpResp}, nil
}

// checkSendQuery refuses a query parameter the client sets itself (sent
// with apiVersion unless it is ""): a second identifier would leave the
// pool to pick the session (services match query names in any casing), a
// second api-version to pick the version.
func checkSendQuery(query map[string][]string, apiVersion string) error {
	for k := range query {
		switch {
		case strings.EqualFold(k, queryIdentifier):
			return fmt.Errorf("%w: Query holds %q, which the client sets; pass the identifier as an argument", ErrInvalidArgument, k)
		case strings.EqualFold(k, queryAPIVersion) && apiVersion != "":
			return fmt.Errorf("%w: Query holds %q, which the client sets; set OmitAPIVersion to send the container's own", ErrInvalidArgument, k)
		}
	}
	return nil
}

// addSendHeaders adds the caller's headers to h, except an Authorization,
// which is the pipeline's.
func addSendHeaders(h http.Header, header map[string][]string) {
	for k, vs := range header {
		if strings.EqualFold(k, "Authorization") {
			continue
		}
		for _, v := range vs {
			h.Add(k, v)
		}
	}
}

// escapeContainerPath escapes each segment of path and refuses what would
// leave the pool's URL space.
func escapeContainerPath(path string) (string, error) {
	if strings.ContainsAny(path, "?#") {
		return "", fmt.Errorf("%w: path %q holds a query or fragment; use ContainerClientSendOptions.Query", ErrInvalidArgument, path)
	}
	if strings.Contains(path, "://") {
		return "", fmt.Errorf("%w: path %q must be relative to the pool endpoint", ErrInvalidArgument, path)
	}
	segs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	for i, s := range segs {
		if s == ".." || s == "." {
			return "", fmt.Errorf("%w: path %q has a %q segment", ErrInvalidPath, path, s)
		}
		segs[i] = url.PathEscape(s)
	}
	return "/" + strings.Join(segs, "/"), nil
}
