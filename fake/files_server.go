package fake

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"
	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/wire"
)

// FilesServer is a fake server for instances of the azsessions.FilesClient
// type: one function per method, named after it. A nil function makes its
// method fail with the error
// "fake for method FilesServer.<Method> not implemented".
type FilesServer struct {
	// Upload is the fake for method FilesClient.Upload.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusCreated.
	// name is the file name of the multipart file part and body holds the
	// part's content. options.ContentType holds the part's media type unless
	// it is the SDK's default, application/octet-stream.
	Upload func(ctx context.Context, identifier string, name string, body io.ReadSeeker, options *azsessions.FilesClientUploadOptions) (resp azfake.Responder[azsessions.FilesClientUploadResponse], errResp azfake.ErrorResponder)

	// NewListPager is the fake for method FilesClient.NewListPager.
	// HTTP status codes to indicate success: http.StatusOK.
	// It is called once per pager; the transport sets the NextLink of every
	// page but the last.
	NewListPager func(identifier string, options *azsessions.FilesClientListOptions) (resp azfake.PagerResponder[azsessions.FilesClientListResponse])

	// Get is the fake for method FilesClient.Get.
	// HTTP status codes to indicate success: http.StatusOK.
	Get func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientGetOptions) (resp azfake.Responder[azsessions.FilesClientGetResponse], errResp azfake.ErrorResponder)

	// Download is the fake for method FilesClient.Download.
	// HTTP status codes to indicate success: http.StatusOK.
	// The response's Body is streamed to the caller (and closed by it) and
	// ContentLength, ContentType and LastModified are sent as headers; a nil
	// ContentLength sends a body of unknown length. As on the wire, a Body
	// shorter than ContentLength fails the caller's read with
	// io.ErrUnexpectedEOF, and a longer one is cut at it; a negative
	// ContentLength fails the call.
	Download func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDownloadOptions) (resp azfake.Responder[azsessions.FilesClientDownloadResponse], errResp azfake.ErrorResponder)

	// Delete is the fake for method FilesClient.Delete.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusNoContent.
	Delete func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDeleteOptions) (resp azfake.Responder[azsessions.FilesClientDeleteResponse], errResp azfake.ErrorResponder)
}

// NewFilesServerTransport returns a FilesServerTransport that answers a
// FilesClient's requests with srv. Connect it through
// azsessions.ClientOptions.ClientOptions.Transport. Changes to srv's fields
// after this call are seen by the transport.
func NewFilesServerTransport(srv *FilesServer) *FilesServerTransport {
	t := &FilesServerTransport{
		srv:          srv,
		newListPager: newTracker[pagerState[azsessions.FilesClientListResponse]](),
	}
	t.clientTransport = newClientTransport("FilesServer", srv, map[string]handler{
		"FilesClient.Upload":       t.dispatchUpload,
		"FilesClient.NewListPager": t.dispatchNewListPager,
		"FilesClient.Get":          t.dispatchGet,
		"FilesClient.Download":     t.dispatchDownload,
		"FilesClient.Delete":       t.dispatchDelete,
	})
	return t
}

// FilesServerTransport connects instances of azsessions.FilesClient to a
// FilesServer. It implements policy.Transporter and is safe for concurrent
// use. Don't use this type directly; use NewFilesServerTransport instead.
type FilesServerTransport struct {
	clientTransport
	srv          *FilesServer
	newListPager *tracker[pagerState[azsessions.FilesClientListResponse]]
}

func (t *FilesServerTransport) dispatchUpload(req *http.Request) (*http.Response, error) {
	f, err := readUpload(req)
	if err != nil {
		return nil, err
	}
	q := req.URL.Query()
	var options *azsessions.FilesClientUploadOptions
	path := queryString(q, wire.QueryPath)
	var contentType *string
	if f.contentType != "" && f.contentType != defaultUploadContentType {
		contentType = &f.contentType
	}
	if path != nil || contentType != nil {
		options = &azsessions.FilesClientUploadOptions{Path: path, ContentType: contentType}
	}
	resp, errResp := t.srv.Upload(req.Context(), q.Get(wire.QueryIdentifier), f.name, bytes.NewReader(f.content), options)
	return respond(req, resp, errResp, jsonBody(func(r azsessions.FilesClientUploadResponse) any { return r.File }), http.StatusOK, http.StatusCreated)
}

func (t *FilesServerTransport) dispatchNewListPager(req *http.Request) (*http.Response, error) {
	return nextPage(t.newListPager, req, func(q url.Values) azfake.PagerResponder[azsessions.FilesClientListResponse] {
		var options *azsessions.FilesClientListOptions
		path := queryString(q, wire.QueryPath)
		var recursive *bool
		if b, err := strconv.ParseBool(q.Get(wire.QueryRecursive)); err == nil {
			recursive = &b
		}
		if path != nil || recursive != nil {
			options = &azsessions.FilesClientListOptions{Path: path, Recursive: recursive}
		}
		return t.srv.NewListPager(q.Get(wire.QueryIdentifier), options)
	})
}

func (t *FilesServerTransport) dispatchGet(req *http.Request) (*http.Response, error) {
	identifier, name, path, err := fileArgs(req, 0)
	if err != nil {
		return nil, err
	}
	var options *azsessions.FilesClientGetOptions
	if path != nil {
		options = &azsessions.FilesClientGetOptions{Path: path}
	}
	resp, errResp := t.srv.Get(req.Context(), identifier, name, options)
	return respond(req, resp, errResp, jsonBody(func(r azsessions.FilesClientGetResponse) any { return r.File }), http.StatusOK)
}

func (t *FilesServerTransport) dispatchDownload(req *http.Request) (*http.Response, error) {
	if last, err := pathParam(req, 0); err != nil || last != "content" {
		return nil, fmt.Errorf("failed to parse path %s", req.URL.EscapedPath())
	}
	identifier, name, path, err := fileArgs(req, 1)
	if err != nil {
		return nil, err
	}
	var options *azsessions.FilesClientDownloadOptions
	if path != nil {
		options = &azsessions.FilesClientDownloadOptions{Path: path}
	}
	resp, errResp := t.srv.Download(req.Context(), identifier, name, options)
	return respond(req, resp, errResp, downloadBody, http.StatusOK)
}

func (t *FilesServerTransport) dispatchDelete(req *http.Request) (*http.Response, error) {
	identifier, name, path, err := fileArgs(req, 0)
	if err != nil {
		return nil, err
	}
	var options *azsessions.FilesClientDeleteOptions
	if path != nil {
		options = &azsessions.FilesClientDeleteOptions{Path: path}
	}
	resp, errResp := t.srv.Delete(req.Context(), identifier, name, options)
	return respond(req, resp, errResp, noBody[azsessions.FilesClientDeleteResponse], http.StatusOK, http.StatusNoContent)
}

// fileArgs recovers the identifier, the file name (fromEnd segments before
// the end of the path) and the path option of a request on one file.
func fileArgs(req *http.Request, fromEnd int) (identifier, name string, path *string, err error) {
	name, err = pathParam(req, fromEnd)
	if err != nil {
		return "", "", nil, err
	}
	q := req.URL.Query()
	return q.Get(wire.QueryIdentifier), name, queryString(q, wire.QueryPath), nil
}

// downloadBody streams the file's Body and sends its length, media type and
// modification time as headers. A declared length holds the body to it, as
// on the wire (see lengthBody).
func downloadBody(c server.ResponseContent, r azsessions.FilesClientDownloadResponse, req *http.Request) (*http.Response, error) {
	opts := &server.ResponseOptions{Body: r.Body}
	length := int64(-1)
	if r.Body == nil {
		opts.Body = http.NoBody
		length = 0
	}
	if r.ContentType != nil {
		opts.ContentType = *r.ContentType
	}
	resp, err := server.NewResponse(c, req, opts)
	if err != nil {
		return nil, err
	}
	if r.ContentLength != nil {
		length = *r.ContentLength
		if length < 0 {
			resp.Body.Close()
			return nil, fmt.Errorf("fake Download: ContentLength %d is negative; leave it nil for a body of unknown length", length)
		}
		resp.Header.Set("Content-Length", strconv.FormatInt(length, 10))
		resp.Body = &lengthBody{body: resp.Body, left: length}
	}
	resp.ContentLength = length
	if r.LastModified != nil {
		resp.Header.Set("Last-Modified", formatHTTPTime(*r.LastModified))
	}
	return resp, nil
}

// lengthBody reads a body as net/http's client reads one with a
// Content-Length: the declared length and no more (net/http's server
// refuses to write past it), and io.ErrUnexpectedEOF when the body ends
// first, as when the connection is lost mid-file.
type lengthBody struct {
	body io.ReadCloser
	left int64
}

// Read implements io.Reader.
func (b *lengthBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	if errors.Is(err, io.EOF) && b.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// Close implements io.Closer.
func (b *lengthBody) Close() error { return b.body.Close() }
