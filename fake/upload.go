package fake

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
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
