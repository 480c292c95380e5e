package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seed-f3fa2c9d/azsessions"
)

// Resource URIs. Paths are relative to /mnt/data, with "/" between
// directories: azsessions://files/out/chart.png is /mnt/data/out/chart.png
// in this connection's sandbox.
const (
	// FileTemplate names a file in the connection's own sandbox.
	FileTemplate = "azsessions://files/{+path}"
	// SessionFileTemplate names a file in the sandbox of a new_session
	// handle.
	SessionFileTemplate = "azsessions://sessions/{session}/files/{+path}"

	filePrefix    = "azsessions://files/"
	sessionPrefix = "azsessions://sessions/"
)

func (s *Server) addResources() {
	s.mcp.AddResourceTemplate(&mcp.ResourceTemplate{
		Name:        "sandbox-file",
		Title:       "A file in this connection's sandbox",
		Description: "A file under /mnt/data in this connection's sandbox; path is relative to /mnt/data.",
		URITemplate: FileTemplate,
	}, s.readResource)
	s.mcp.AddResourceTemplate(&mcp.ResourceTemplate{
		Name:        "session-file",
		Title:       "A file in a session handle's sandbox",
		Description: "A file under /mnt/data in the sandbox of a new_session handle; path is relative to /mnt/data.",
		URITemplate: SessionFileTemplate,
	}, s.readResource)
}

// readResource returns a sandbox file as text (UTF-8 text files) or as a
// blob, up to MaxResourceBytes.
func (s *Server) readResource(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	uri := req.Params.URI
	handle, dir, name, err := parseFileURI(uri)
	if err != nil {
		return nil, err
	}
	sess, err := s.sessions.lookup(req.Session, handle)
	if err != nil {
		return nil, err
	}
	if sess == nil {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	var opts *azsessions.FilesClientDownloadOptions
	if dir != "" {
		opts = &azsessions.FilesClientDownloadOptions{Path: &dir}
	}
	resp, err := s.client.NewFilesClient().Download(ctx, sess.Identifier(), name, opts)
	if err != nil {
		if azsessions.HasCode(err, "FileNotFound", "SessionNotFound") || isStatus(err, http.StatusNotFound) {
			return nil, mcp.ResourceNotFoundError(uri)
		}
		s.log.Error("reading a resource failed in the session pool", "session", sess.Identifier(), "error", safeError(err))
		return nil, fmt.Errorf("the sandbox service failed: %s", safeError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, s.opts.MaxResourceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: the connection to the sandbox service failed", uri)
	}
	if int64(len(data)) > s.opts.MaxResourceBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes, the limit for a resource; read it with a tool (download_file, or code that summarises it)", uri, s.opts.MaxResourceBytes)
	}
	mimeType := mime.TypeByExtension(path.Ext(name))
	if mimeType == "" {
		mimeType = http.DetectContentType(data)
	}
	contents := &mcp.ResourceContents{URI: uri, MIMEType: mimeType}
	if isText(mimeType, data) {
		contents.Text = string(data)
	} else {
		contents.Blob = data
	}
	s.log.Info("resource read", "session", sess.Identifier(), "bytes", len(data))
	return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{contents}}, nil
}

// parseFileURI splits a resource URI into its handle (empty for the
// connection's own sandbox), directory and file name, refusing paths that
// would leave /mnt/data.
func parseFileURI(uri string) (handle, dir, name string, err error) {
	var rest string
	if r, ok := strings.CutPrefix(uri, filePrefix); ok {
		rest = r
	} else if r, ok := strings.CutPrefix(uri, sessionPrefix); ok {
		h, p, found := strings.Cut(r, "/files/")
		if !found || h == "" {
			return "", "", "", mcp.ResourceNotFoundError(uri)
		}
		if handle, err = url.PathUnescape(h); err != nil {
			return "", "", "", mcp.ResourceNotFoundError(uri)
		}
		rest = p
	} else {
		return "", "", "", mcp.ResourceNotFoundError(uri)
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	p, err := url.PathUnescape(rest)
	if err != nil {
		return "", "", "", fmt.Errorf("%s: the path is not valid URI escaping", uri)
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == ".." || elem == "." || strings.ContainsRune(elem, 0) || strings.Contains(elem, `\`) {
			return "", "", "", fmt.Errorf("%s: the path must stay inside /mnt/data (no '.', '..' or '\\' elements)", uri)
		}
	}
	p = strings.Trim(p, "/")
	if p == "" {
		return "", "", "", fmt.Errorf("%s names no file", uri)
	}
	dir, name = path.Split(p)
	return handle, strings.TrimSuffix(dir, "/"), name, nil
}

// isText reports whether a file is sent as text rather than as a blob.
func isText(mimeType string, data []byte) bool {
	if !utf8.Valid(data) {
		return false
	}
	base, _, _ := strings.Cut(mimeType, ";")
	switch {
	case strings.HasPrefix(base, "text/"):
		return true
	case base == "application/json", base == "application/xml", base == "application/javascript",
		strings.HasSuffix(base, "+json"), strings.HasSuffix(base, "+xml"):
		return true
	}
	return false
}

func isStatus(err error, code int) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == code
}
