package azsessions

import (
	"context"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// SessionsClient inspects and ends sessions and reads the pool's metadata.
// Get one from Client.NewSessionsClient. It is safe for concurrent use.
// Its operations exist from api-version 2025-02-02-preview: a client set to
// an older version sends 2025-02-02-preview for them (the service accepts
// mixed versions on one pool), so sessions made at the old version can still
// be inspected and deleted. Stop targets custom-container pools.
type SessionsClient struct {
	c *Client
}

// Get returns the session named identifier: when it was created and last
// used, and when it expires.
func (client *SessionsClient) Get(ctx context.Context, identifier string, options *SessionsClientGetOptions) (resp SessionsClientGetResponse, err error) {
	const operationName = "SessionsClient.Get"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	httpResp, err := client.c.sessionCall(ctx, client.c.sessionsAPIVersion(), http.MethodGet, "/session", identifier, http.StatusOK)
	if err != nil {
		return SessionsClientGetResponse{}, err
	}
	if err := unmarshalBody(httpResp, "a session", &resp.Session); err != nil {
		return SessionsClientGetResponse{}, err
	}
	return resp, nil
}

// Delete ends the session named identifier now, with its processes and
// files. The next request with the same identifier gets a fresh session.
//
// A try is retried after a lost answer, like every DELETE. When a retry is
// answered 404 (or SessionWithIdentifierNotFound) after an earlier try that
// may have reached the service, Delete succeeds: that try may have deleted
// the session, and the session is gone either way.
func (client *SessionsClient) Delete(ctx context.Context, identifier string, options *SessionsClientDeleteOptions) (resp SessionsClientDeleteResponse, err error) {
	const operationName = "SessionsClient.Delete"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	ctx, tries := withTryLog(ctx)
	_, err = client.c.sessionCall(ctx, client.c.sessionsAPIVersion(), http.MethodDelete, "/session", identifier, http.StatusOK, http.StatusNoContent)
	if goneAfterLostAnswer(tries, err) {
		err = nil
	}
	return SessionsClientDeleteResponse{}, err
}

// Stop stops the session named identifier through the pool's management
// API (POST /.management/stopSession), the way custom-container pools end
// sessions. Message holds the service's confirmation text. A session that
// does not exist is an *azcore.ResponseError with
// ErrorCodeSessionWithIdentifierNotFound.
//
// Stopping twice has the effect of stopping once, so a try is retried
// after a lost answer or a server error, as azcore retries any request.
// When a retry is answered SessionWithIdentifierNotFound (or 404) after an
// earlier try that may have reached the service, Stop succeeds with an
// empty Message: that try may have stopped the session, whose confirmation
// was lost, and the session is gone either way.
func (client *SessionsClient) Stop(ctx context.Context, identifier string, options *SessionsClientStopOptions) (resp SessionsClientStopResponse, err error) {
	const operationName = "SessionsClient.Stop"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	ctx, tries := withTryLog(ctx)
	httpResp, err := client.c.sessionCall(ctx, client.c.sessionsAPIVersion(), http.MethodPost, "/.management/stopSession", identifier, http.StatusOK, http.StatusNoContent)
	if goneAfterLostAnswer(tries, err) {
		return SessionsClientStopResponse{}, nil
	}
	if err != nil {
		return SessionsClientStopResponse{}, err
	}
	body, err := runtime.Payload(httpResp)
	if err != nil {
		return SessionsClientStopResponse{}, err
	}
	return SessionsClientStopResponse{Message: string(body)}, nil
}

// NewListPager lists the pool's live sessions page by page.
func (client *SessionsClient) NewListPager(options *SessionsClientListOptions) *runtime.Pager[SessionsClientListResponse] {
	return newPager(client.c, pagerSteps[SessionsClientListResponse]{
		apiName:    "SessionsClient.NewListPager",
		method:     http.MethodGet,
		apiVersion: client.c.sessionsAPIVersion(),
		createRequest: func(ctx context.Context) (*policy.Request, error) {
			return client.listCreateRequest(ctx, options)
		},
		handleResponse: client.listHandleResponse,
		nextLink:       func(page SessionsClientListResponse) *string { return page.NextLink },
	})
}

// listCreateRequest builds GET /listSessions.
func (client *SessionsClient) listCreateRequest(ctx context.Context, options *SessionsClientListOptions) (*policy.Request, error) {
	if options == nil {
		options = &SessionsClientListOptions{}
	}
	q, err := skipQuery(options.Skip)
	if err != nil {
		return nil, err
	}
	return client.c.newRequestAt(ctx, client.c.sessionsAPIVersion(), http.MethodGet, "/listSessions", "", q)
}

// listHandleResponse reads one page of sessions.
func (client *SessionsClient) listHandleResponse(resp *http.Response) (SessionsClientListResponse, error) {
	var result SessionsClientListResponse
	if err := unmarshalBody(resp, "a page of sessions", &result.SessionList); err != nil {
		return SessionsClientListResponse{}, err
	}
	return result, nil
}

// GetPoolMetadata describes the pool: its runtimes, pre-installed packages
// and Jupyter kernel.
func (client *SessionsClient) GetPoolMetadata(ctx context.Context, options *SessionsClientGetPoolMetadataOptions) (resp SessionsClientGetPoolMetadataResponse, err error) {
	const operationName = "SessionsClient.GetPoolMetadata"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	req, err := client.c.newRequestAt(ctx, client.c.sessionsAPIVersion(), http.MethodGet, "/metadata", "", nil)
	if err != nil {
		return SessionsClientGetPoolMetadataResponse{}, err
	}
	httpResp, err := client.c.internal.Pipeline().Do(req)
	if err != nil {
		return SessionsClientGetPoolMetadataResponse{}, err
	}
	if !runtime.HasStatusCode(httpResp, http.StatusOK) {
		return SessionsClientGetPoolMetadataResponse{}, runtime.NewResponseError(httpResp)
	}
	if err := unmarshalBody(httpResp, "the pool's metadata", &resp.PoolMetadata); err != nil {
		return SessionsClientGetPoolMetadataResponse{}, err
	}
	return resp, nil
}

// sessionCall sends a request about one session at apiVersion and checks its
// status.
func (c *Client) sessionCall(ctx context.Context, apiVersion, method, path, identifier string, okStatus ...int) (*http.Response, error) {
	if err := checkIdentifier(identifier); err != nil {
		return nil, err
	}
	req, err := c.newRequestAt(ctx, apiVersion, method, path, identifier, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.internal.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(resp, okStatus...) {
		return nil, runtime.NewResponseError(resp)
	}
	return resp, nil
}

// sessionsAPIVersion is the api-version of SessionsClient's operations: the
// client's, or 2025-02-02-preview, where they first exist, when the client's
// is older.
func (c *Client) sessionsAPIVersion() string {
	if APIVersion(c.apiVersion).Predates(APIVersion20250202Preview) {
		return string(APIVersion20250202Preview)
	}
	return c.apiVersion
}
