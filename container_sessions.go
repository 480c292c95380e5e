package azsessions

import (
	"context"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// GetSession returns the session named identifier through the pool's
// management API (POST /.management/getSession), which custom-container
// pools answer where they forward /session to the container. An unknown
// session is an *azcore.ResponseError with
// ErrorCodeSessionWithIdentifierNotFound.
func (client *ContainerClient) GetSession(ctx context.Context, identifier string, options *ContainerClientGetSessionOptions) (resp ContainerClientGetSessionResponse, err error) {
	const operationName = "ContainerClient.GetSession"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	httpResp, err := client.c.sessionCall(ctx, client.c.apiVersion, http.MethodPost, "/.management/getSession", identifier, http.StatusOK)
	if err != nil {
		return ContainerClientGetSessionResponse{}, err
	}
	if err := unmarshalBody(httpResp, "a session", &resp.Session); err != nil {
		return ContainerClientGetSessionResponse{}, err
	}
	return resp, nil
}

// NewListSessionsPager lists the pool's live sessions page by page through
// the pool's management API (POST /.management/listSessions), as
// custom-container pools require.
func (client *ContainerClient) NewListSessionsPager(options *ContainerClientListSessionsOptions) *runtime.Pager[ContainerClientListSessionsResponse] {
	return newPager(client.c, pagerSteps[ContainerClientListSessionsResponse]{
		apiName: "ContainerClient.NewListSessionsPager",
		method:  http.MethodPost,
		createRequest: func(ctx context.Context) (*policy.Request, error) {
			return client.listSessionsCreateRequest(ctx, options)
		},
		handleResponse: client.listSessionsHandleResponse,
		nextLink:       func(page ContainerClientListSessionsResponse) *string { return page.NextLink },
	})
}

// listSessionsCreateRequest builds POST /.management/listSessions.
func (client *ContainerClient) listSessionsCreateRequest(ctx context.Context, options *ContainerClientListSessionsOptions) (*policy.Request, error) {
	if options == nil {
		options = &ContainerClientListSessionsOptions{}
	}
	q, err := skipQuery(options.Skip)
	if err != nil {
		return nil, err
	}
	return client.c.newRequest(ctx, http.MethodPost, "/.management/listSessions", "", q)
}

// listSessionsHandleResponse reads one page of sessions.
func (client *ContainerClient) listSessionsHandleResponse(resp *http.Response) (ContainerClientListSessionsResponse, error) {
	var result ContainerClientListSessionsResponse
	if err := unmarshalBody(resp, "a page of sessions", &result.SessionList); err != nil {
		return ContainerClientListSessionsResponse{}, err
	}
	return result, nil
}
