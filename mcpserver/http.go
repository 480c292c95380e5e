package mcpserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// DefaultMaxRequestBodyBytes caps an HTTP request's body: room for an
// upload_file call at the toolkit's default MaxUploadBytes (4 MiB) in
// base64, so that a larger upload gets the toolkit's answer, which the model
// can act on, rather than an HTTP 413 from the transport.
const DefaultMaxRequestBodyBytes = 6 << 20

// DefaultSessionTimeout is how long an HTTP MCP session lives without a
// request before the server closes it and deletes its sandbox.
const DefaultSessionTimeout = 30 * time.Minute

// HTTPOptions configures Server.HTTPHandler.
type HTTPOptions struct {
	// Token is the bearer token every request must carry in its
	// Authorization header (required). It is compared in constant time.
	Token string
	// SessionTimeout closes an MCP session, and deletes its sandbox, after
	// this long without a request: clients that vanish without ending their
	// session do not keep a sandbox forever (default DefaultSessionTimeout;
	// negative: never).
	SessionTimeout time.Duration
	// MaxRequestBodyBytes caps a request's body; larger ones answer 413
	// (default DefaultMaxRequestBodyBytes).
	MaxRequestBodyBytes int64
}

// HTTPHandler returns an http.Handler that serves the MCP streamable HTTP
// transport: one MCP session, and one sandbox, per client. It answers 401 to
// a request without the bearer token, keeps the SDK's DNS-rebinding
// protection (a loopback listener refuses a non-loopback Host) and refuses
// cross-origin browser requests. Mount it at the path clients are given,
// such as /mcp.
func (s *Server) HTTPHandler(opts HTTPOptions) (http.Handler, error) {
	if opts.Token == "" {
		return nil, errors.New("mcpserver: HTTPOptions.Token is empty: the HTTP transport needs a bearer token")
	}
	if strings.ContainsFunc(opts.Token, unicode.IsSpace) {
		// An Authorization header splits on spaces: no client could send it.
		return nil, errors.New("mcpserver: HTTPOptions.Token holds white space, which no Authorization header can carry")
	}
	timeout := opts.SessionTimeout
	switch {
	case timeout == 0:
		timeout = DefaultSessionTimeout
	case timeout < 0:
		timeout = 0 // the SDK's "never"
	}
	maxBody := opts.MaxRequestBodyBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxRequestBodyBytes
	}
	streamable := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s.mcp }, &mcp.StreamableHTTPOptions{
		SessionTimeout:      timeout,
		MaxRequestBodyBytes: maxBody,
	})
	want := sha256.Sum256([]byte(opts.Token))
	verify := func(_ context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		// Hashing first makes the comparison independent of the length of
		// the token offered.
		got := sha256.Sum256([]byte(token))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			return nil, auth.ErrInvalidToken
		}
		return &auth.TokenInfo{UserID: "bearer"}, nil
	}
	bearer := auth.RequireBearerToken(verify, &auth.RequireBearerTokenOptions{AllowMissingExpiration: true})
	return http.NewCrossOriginProtection().Handler(challenge(bearer(s.stopCallsOnDelete(streamable)))), nil
}

// challenge adds the WWW-Authenticate header RFC 6750 asks for to a 401.
func challenge(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&challengeWriter{ResponseWriter: w}, r)
	})
}

type challengeWriter struct {
	http.ResponseWriter
}

func (w *challengeWriter) WriteHeader(code int) {
	if code == http.StatusUnauthorized && w.Header().Get("WWW-Authenticate") == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="azsessions-mcp"`)
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach Flush on the real writer, which
// the SSE streams need.
func (w *challengeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
