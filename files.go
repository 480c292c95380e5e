package azsessions

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/seed-f3fa2c9d/azsessions/internal/multipart"
)

// FilesClient manages the files in sessions' /mnt/data. Get one from
// Client.NewFilesClient. It is safe for concurrent use.
//
// File names are single path elements; put directories in the Path options.
// Names and paths are escaped, so any character the service allows
// round-trips; names and paths that would climb out of /mnt/data are refused
// before any request.
type FilesClient struct {
	c *Client
}

// Upload stores body as the file name in the session named identifier. body
// is read from its current position to its end and streamed: it is never held
// in memory, and a retry rewinds it to send the same bytes. The service
// refuses files over its limit (128 MB on Azure) with HTTP 413. The end of
// ctx does not interrupt a Read of body under way: net/http waits for its
// writer, so a body whose Read blocks holds Upload until that Read returns.
func (client *FilesClient) Upload(ctx context.Context, identifier string, name string, body io.ReadSeeker, options *FilesClientUploadOptions) (resp FilesClientUploadResponse, err error) {
	const operationName = "FilesClient.Upload"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	if options == nil {
		options = &FilesClientUploadOptions{}
	}
	if err := checkArgs(identifier, name, options.Path); err != nil {
		return FilesClientUploadResponse{}, err
	}
	if isNil(body) {
		return FilesClientUploadResponse{}, fmt.Errorf("%w: body is nil", ErrInvalidArgument)
	}
	contentType := "application/octet-stream"
	if options.ContentType != nil {
		contentType = *options.ContentType
		// It goes into the part's header: a line break would end the
		// header early and put the rest into the file.
		if _, _, err := mime.ParseMediaType(contentType); err != nil || strings.ContainsAny(contentType, "\r\n") {
			return FilesClientUploadResponse{}, fmt.Errorf("%w: content type %q is not a media type", ErrInvalidArgument, contentType)
		}
	}
	mp, mpType, err := multipart.NewBody(nil, "file", name, contentType, body)
	if err != nil {
		return FilesClientUploadResponse{}, fmt.Errorf("%w: %v", ErrInvalidArgument, err)
	}
	req, err := client.c.newRequest(ctx, http.MethodPost, "/files", identifier, pathQuery(options.Path))
	if err != nil {
		return FilesClientUploadResponse{}, err
	}
	if err := req.SetBody(guardBody(mp), mpType); err != nil {
		return FilesClientUploadResponse{}, err
	}
	httpResp, err := client.c.internal.Pipeline().Do(req)
	if err != nil {
		return FilesClientUploadResponse{}, err
	}
	if !runtime.HasStatusCode(httpResp, http.StatusOK, http.StatusCreated) {
		return FilesClientUploadResponse{}, runtime.NewResponseError(httpResp)
	}
	if err := unmarshalBody(httpResp, "the uploaded file's metadata", &resp.File); err != nil {
		return FilesClientUploadResponse{}, err
	}
	return resp, nil
}

// NewListPager lists the files and directories in the session named
// identifier, following nextLink from page to page.
func (client *FilesClient) NewListPager(identifier string, options *FilesClientListOptions) *runtime.Pager[FilesClientListResponse] {
	return newPager(client.c, pagerSteps[FilesClientListResponse]{
		apiName:    "FilesClient.NewListPager",
		method:     http.MethodGet,
		identifier: identifier,
		createRequest: func(ctx context.Context) (*policy.Request, error) {
			return client.listCreateRequest(ctx, identifier, options)
		},
		handleResponse: client.listHandleResponse,
		nextLink:       func(page FilesClientListResponse) *string { return page.NextLink },
	})
}

// listCreateRequest validates the arguments and builds GET /files.
func (client *FilesClient) listCreateRequest(ctx context.Context, identifier string, options *FilesClientListOptions) (*policy.Request, error) {
	if options == nil {
		options = &FilesClientListOptions{}
	}
	if err := checkIdentifier(identifier); err != nil {
		return nil, err
	}
	if err := checkPath(options.Path); err != nil {
		return nil, err
	}
	q := pathQuery(options.Path)
	if options.Recursive != nil {
		if q == nil {
			q = url.Values{}
		}
		q.Set(queryRecursive, strconv.FormatBool(*options.Recursive))
	}
	return client.c.newRequest(ctx, http.MethodGet, "/files", identifier, q)
}

// listHandleResponse reads one page of files.
func (client *FilesClient) listHandleResponse(resp *http.Response) (FilesClientListResponse, error) {
	var result FilesClientListResponse
	if err := unmarshalBody(resp, "a page of files", &result.FileList); err != nil {
		return FilesClientListResponse{}, err
	}
	return result, nil
}

// Get returns the metadata of the file name in the session named identifier.
func (client *FilesClient) Get(ctx context.Context, identifier string, name string, options *FilesClientGetOptions) (resp FilesClientGetResponse, err error) {
	const operationName = "FilesClient.Get"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	if options == nil {
		options = &FilesClientGetOptions{}
	}
	httpResp, err := client.do(ctx, http.MethodGet, identifier, name, "", options.Path, http.StatusOK)
	if err != nil {
		return FilesClientGetResponse{}, err
	}
	if err := unmarshalBody(httpResp, "a file's metadata", &resp.File); err != nil {
		return FilesClientGetResponse{}, err
	}
	return resp, nil
}

// Download streams the content of the file name in the session named
// identifier, byte for byte. The caller must close resp.Body; a connection
// lost mid-file surfaces as an error from Body.Read. io.Copy from Body (to
// a file, say) goes through its WriteTo method, which reads the connection
// 256 KiB at a time.
func (client *FilesClient) Download(ctx context.Context, identifier string, name string, options *FilesClientDownloadOptions) (resp FilesClientDownloadResponse, err error) {
	const operationName = "FilesClient.Download"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	if options == nil {
		options = &FilesClientDownloadOptions{}
	}
	httpResp, err := client.do(ctx, http.MethodGet, identifier, name, "/content", options.Path, http.StatusOK)
	if err != nil {
		return FilesClientDownloadResponse{}, err
	}
	resp.Body = downloadBody{httpResp.Body}
	if httpResp.ContentLength >= 0 {
		n := httpResp.ContentLength
		resp.ContentLength = &n
	}
	resp.ContentType = parseStringHeader(httpResp.Header.Get("Content-Type"))
	if t, err := http.ParseTime(httpResp.Header.Get("Last-Modified")); err == nil {
		resp.LastModified = &t
	} else if t, err := time.Parse(time.RFC3339Nano, httpResp.Header.Get("Last-Modified")); err == nil {
		resp.LastModified = &t
	}
	return resp, nil
}

// Delete removes the file name from the session named identifier. The
// service answers 404 (*azcore.ResponseError) when there is no such file.
//
// A try is retried after a lost answer, like every DELETE. When a retry is
// answered 404 after an earlier try that may have reached the service,
// Delete succeeds: that try may have deleted the file, and the file is
// gone either way.
func (client *FilesClient) Delete(ctx context.Context, identifier string, name string, options *FilesClientDeleteOptions) (resp FilesClientDeleteResponse, err error) {
	const operationName = "FilesClient.Delete"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	if options == nil {
		options = &FilesClientDeleteOptions{}
	}
	ctx, tries := withTryLog(ctx)
	_, err = client.do(ctx, http.MethodDelete, identifier, name, "", options.Path, http.StatusOK, http.StatusNoContent)
	if goneAfterLostAnswer(tries, err) {
		err = nil
	}
	return FilesClientDeleteResponse{}, err
}

// do validates the arguments and sends a request on one file. A successful
// content request keeps its body unread for streaming.
func (client *FilesClient) do(ctx context.Context, method, identifier, name, suffix string, path *string, okStatus ...int) (*http.Response, error) {
	if err := checkArgs(identifier, name, path); err != nil {
		return nil, err
	}
	if suffix == "/content" {
		// The content streams to the caller unbounded; only a failed
		// answer's body is cut to an excerpt.
		ctx = withResponseLimit(ctx, responseLimit{})
	}
	req, err := client.c.newRequest(ctx, method, filePath(name, suffix), identifier, pathQuery(path))
	if err != nil {
		return nil, err
	}
	if suffix == "/content" {
		req.Raw().Header.Set("Accept", "*/*")
		runtime.SkipBodyDownload(req)
	}
	httpResp, err := client.c.internal.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(httpResp, okStatus...) {
		return nil, runtime.NewResponseError(httpResp)
	}
	return httpResp, nil
}

func checkArgs(identifier, name string, path *string) error {
	if err := checkIdentifier(identifier); err != nil {
		return err
	}
	if err := checkFileName(name); err != nil {
		return err
	}
	return checkPath(path)
}
