package azsessions

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

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
	httpResp, err := client.c.sessionCall(ctx, http.MethodPost, "/.management/getSession", identifier, http.StatusOK)
	if err != nil {
		return ContainerClientGetSessionResponse{}, err
	}
	if err := runtime.UnmarshalAsJSON(httpResp, &resp.Session); err != nil {
		return ContainerClientGetSessionResponse{}, err
	}
	return resp, nil
}

// NewListSessionsPager lists the pool's live sessions page by page through
// the pool's management API (POST /.management/listSessions), as
// custom-container pools require.
func (client *ContainerClient) NewListSessionsPager(options *ContainerClientListSessionsOptions) *runtime.Pager[ContainerClientListSessionsResponse] {
	if options == nil {
		options = &ContainerClientListSessionsOptions{}
	}
	fetched := &fetchedPages{}
	return runtime.NewPager(runtime.PagingHandler[ContainerClientListSessionsResponse]{
		More: func(page ContainerClientListSessionsResponse) bool {
			return page.NextLink != nil && *page.NextLink != ""
		},
		Fetcher: func(ctx context.Context, page *ContainerClientListSessionsResponse) (ContainerClientListSessionsResponse, error) {
			ctx = withAPIName(ctx, "ContainerClient.NewListSessionsPager")
			next := ""
			if page != nil {
				next = *page.NextLink
			}
			httpResp, err := client.c.fetchPage(ctx, http.MethodPost, next, "", fetched, func(ctx context.Context) (*http.Request, error) {
				var q url.Values
				if options.Skip != nil {
					q = url.Values{querySkip: {strconv.Itoa(int(*options.Skip))}}
				}
				req, err := client.c.newRequest(ctx, http.MethodPost, "/.management/listSessions", "", q)
				if err != nil {
					return nil, err
				}
				return req.Raw(), nil
			})
			if err != nil {
				return ContainerClientListSessionsResponse{}, err
			}
			var resp ContainerClientListSessionsResponse
			if err := runtime.UnmarshalAsJSON(httpResp, &resp.SessionList); err != nil {
				return ContainerClientListSessionsResponse{}, err
			}
			return resp, nil
		},
		Tracer: client.c.internal.Tracer(),
	})
}
