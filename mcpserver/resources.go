package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/internal/quoted"
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
// blob, up to MaxResourceBytes; an image the toolkit would not show a model
// is an application/octet-stream blob. A URI the server cannot serve is a
// JSON-RPC invalid-params error (the SDK's resource-not-found for a file
// that does not exist); a failure of the pool an internal error.
func (s *Server) readResource(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
	uri := req.Params.URI
	handle, dir, name, err := parseFileURI(uri)
	if err != nil {
		return nil, err
	}
	sess, release, err := s.sessions.lookup(req.Session, handle, time.Now())
	switch {
	case errors.Is(err, errClosed):
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: errShuttingDown.Error()}
	case err != nil:
		return nil, invalidParams(err.Error())
	}
	defer release()
	if sess == nil {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	ctx, endCall := s.callContext(ctx, req.Session)
	defer endCall()
	// ReadFile takes the session's turn and marks it used, so the sandbox
	// a read makes the pool create is deleted with the others.
	data, err := sess.ReadFile(ctx, path.Join(dir, name), s.opts.MaxResourceBytes)
	if err != nil {
		switch {
		case errors.Is(err, agenttool.ErrFileTooLarge):
			return nil, invalidParams(fmt.Sprintf("%s is larger than %d bytes, the limit for a resource; read it with a tool (download_file, or code that summarises it)", quoted.Head(uri), s.opts.MaxResourceBytes))
		case errors.Is(err, azsessions.ErrInvalidPath), errors.Is(err, azsessions.ErrInvalidFileName):
			return nil, invalidParams(fmt.Sprintf("%s: the path is not one the sandbox accepts", quoted.Head(uri)))
		case azsessions.HasCode(err, "FileNotFound", "SessionNotFound") || isStatus(err, http.StatusNotFound):
			return nil, mcp.ResourceNotFoundError(uri)
		case shuttingDown(ctx):
			return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: context.Cause(ctx).Error()}
		case ctx.Err() != nil:
			return nil, ctx.Err()
		}
		s.log.Error("reading a resource failed in the session pool", "session", sess.Identifier(), "error", safeError(err))
		return nil, &jsonrpc.Error{Code: jsonrpc.CodeInternalError, Message: "the sandbox service failed: " + safeError(err)}
	}
	imageType, err := s.toolkit.ImageType(data)
	mimeType := resourceType(name, data, imageType)
	if err != nil {
		// An image the toolkit would not show a model: a client may hand an
		// image/* resource to its model, whose API refuses the request (or
		// the host's budget keeps it out), but the file is still the
		// client's to save or show; typed as bytes, no client takes it for
		// an image.
		mimeType = "application/octet-stream"
	}
	contents := &mcp.ResourceContents{URI: uri, MIMEType: mimeType}
	if isText(mimeType, data) {
		contents.Text = string(data)
	} else {
		contents.Blob = data
	}
	s.log.Info("resource read", "session", sess.Identifier(), "bytes", len(data))
	return &mcp.ReadResourceResult{
		// The same URI names another file on another connection, and a
		// handle's files are its holder's: no cache may hand this read to
		// another client (the SDK's default scope is "public"). TTL 0: the
		// next call may change the file.
		Cacheable: mcp.Cacheable{TTLMs: 0, CacheScope: "private"},
		Contents:  []*mcp.ResourceContents{contents},
	}, nil
}

// invalidParams is the JSON-RPC error for a resource URI the server cannot
// serve, with a sentence saying why.
func invalidParams(msg string) error {
	return &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: msg}
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
	p, err := url.PathUnescape(rest)
	if err != nil {
		return "", "", "", invalidParams(quoted.Head(uri) + ": the path is not valid URI escaping")
	}
	if !utf8.ValidString(p) {
		return "", "", "", invalidParams(quoted.Head(uri) + ": the path is not UTF-8 once its escapes are decoded; " +
			"escape each byte of a name's UTF-8 (é is %C3%A9, not %E9 as github.com/yosida95/uritemplate writes it), or write the name unescaped")
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == ".." || elem == "." || strings.ContainsRune(elem, 0) || strings.Contains(elem, `\`) {
			return "", "", "", invalidParams(quoted.Head(uri) + `: the path must stay inside /mnt/data (no '.', '..' or '\' elements)`)
		}
	}
	p = strings.Trim(p, "/")
	if p == "" {
		return "", "", "", invalidParams(quoted.Head(uri) + " names no file")
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
