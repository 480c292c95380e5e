package fake

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"
	"github.com/seed-f3fa2c9d/azsessions"
)

// defaultUploadContentType is the media type the SDK gives a file part when
// the caller sets none.
const defaultUploadContentType = "application/octet-stream"

// uploadedFile is the file part of an upload.
type uploadedFile struct {
	name        string
	contentType string
	content     []byte
}

// readUpload finds the file part of the multipart/form-data body.
func readUpload(req *http.Request) (uploadedFile, error) {
	mediaType, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	if err != nil {
		return uploadedFile{}, fmt.Errorf("reading the upload: %w", err)
	}
	if mediaType != "multipart/form-data" || params["boundary"] == "" {
		return uploadedFile{}, fmt.Errorf("reading the upload: Content-Type is %q, not multipart/form-data", mediaType)
	}
	if req.Body == nil {
		return uploadedFile{}, errors.New("reading the upload: no body")
	}
	defer req.Body.Close()
	mr := multipart.NewReader(req.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return uploadedFile{}, errors.New("reading the upload: no file part")
		}
		if err != nil {
			return uploadedFile{}, fmt.Errorf("reading the upload: %w", err)
		}
		_, disp, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if err != nil {
			return uploadedFile{}, fmt.Errorf("reading the upload's Content-Disposition: %w", err)
		}
		name, isFile := disp["filename"]
		if !isFile {
			continue
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return uploadedFile{}, fmt.Errorf("reading the upload: %w", err)
		}
		return uploadedFile{name: name, contentType: part.Header.Get("Content-Type"), content: data}, nil
	}
}

func (s *ServerTransport) dispatchUpload(req *http.Request) (*http.Response, error) {
	if s.srv.Upload == nil {
		return nil, notImplemented("Upload")
	}
	q := req.URL.Query()
	f, err := readUpload(req)
	if err != nil {
		return nil, err
	}
	var options *azsessions.FilesClientUploadOptions
	path := queryString(q, queryPath)
	var contentType *string
	if f.contentType != "" && f.contentType != defaultUploadContentType {
		contentType = &f.contentType
	}
	if path != nil || contentType != nil {
		options = &azsessions.FilesClientUploadOptions{Path: path, ContentType: contentType}
	}
	respr, errRespr := s.srv.Upload(req.Context(), q.Get(queryIdentifier), f.name, bytes.NewReader(f.content), options)
	r, c, err := responderResult(req, respr, errRespr, http.StatusOK, http.StatusCreated)
	if err != nil {
		return nil, err
	}
	return server.MarshalResponseAsJSON(c, r.File, req)
}

func (s *ServerTransport) dispatchNewListFilesPager(req *http.Request) (*http.Response, error) {
	if s.srv.NewListFilesPager == nil {
		return nil, notImplemented("NewListFilesPager")
	}
	return nextPage(s.listFilesPagers, req, func(q url.Values) azfake.PagerResponder[azsessions.FilesClientListResponse] {
		var options *azsessions.FilesClientListOptions
		path := queryString(q, queryPath)
		var recursive *bool
		if b, err := strconv.ParseBool(q.Get(queryRecursive)); err == nil {
			recursive = &b
		}
		if path != nil || recursive != nil {
			options = &azsessions.FilesClientListOptions{Path: path, Recursive: recursive}
		}
		return s.srv.NewListFilesPager(q.Get(queryIdentifier), options)
	})
}

// fileArgs recovers the identifier, the file name (fromEnd segments before
// the end of the path) and the path option of a request on one file.
func fileArgs(req *http.Request, fromEnd int) (identifier, name string, path *string, err error) {
	name, err = pathParam(req, fromEnd)
	if err != nil {
		return "", "", nil, err
	}
	q := req.URL.Query()
	return q.Get(queryIdentifier), name, queryString(q, queryPath), nil
}

func (s *ServerTransport) dispatchGetFile(req *http.Request) (*http.Response, error) {
	if s.srv.GetFile == nil {
		return nil, notImplemented("GetFile")
	}
	identifier, name, path, err := fileArgs(req, 0)
	if err != nil {
		return nil, err
	}
	var options *azsessions.FilesClientGetOptions
	if path != nil {
		options = &azsessions.FilesClientGetOptions{Path: path}
	}
	respr, errRespr := s.srv.GetFile(req.Context(), identifier, name, options)
	r, c, err := responderResult(req, respr, errRespr, http.StatusOK)
	if err != nil {
		return nil, err
	}
	return server.MarshalResponseAsJSON(c, r.File, req)
}

func (s *ServerTransport) dispatchDownload(req *http.Request) (*http.Response, error) {
	if s.srv.Download == nil {
		return nil, notImplemented("Download")
	}
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
	respr, errRespr := s.srv.Download(req.Context(), identifier, name, options)
	r, c, err := responderResult(req, respr, errRespr, http.StatusOK)
	if err != nil {
		return nil, err
	}
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
		resp.Header.Set("Content-Length", strconv.FormatInt(length, 10))
	}
	resp.ContentLength = length
	if r.LastModified != nil {
		resp.Header.Set("Last-Modified", formatHTTPTime(*r.LastModified))
	}
	return resp, nil
}

func (s *ServerTransport) dispatchDeleteFile(req *http.Request) (*http.Response, error) {
	if s.srv.DeleteFile == nil {
		return nil, notImplemented("DeleteFile")
	}
	identifier, name, path, err := fileArgs(req, 0)
	if err != nil {
		return nil, err
	}
	var options *azsessions.FilesClientDeleteOptions
	if path != nil {
		options = &azsessions.FilesClientDeleteOptions{Path: path}
	}
	respr, errRespr := s.srv.DeleteFile(req.Context(), identifier, name, options)
	_, c, err := responderResult(req, respr, errRespr, http.StatusOK, http.StatusNoContent)
	if err != nil {
		return nil, err
	}
	return server.NewResponse(c, req, nil)
}
