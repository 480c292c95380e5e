package server

import (
	"context"
	"net/http"
)

// schemeKey is the context key of WithEndpointScheme.
type schemeKey struct{}

// WithEndpointScheme says that the requests of a connection were sent to an
// endpoint of scheme ("http" or "https") although the connection itself
// shows no TLS: the emulator's in-process client reaches its https endpoint
// over a private Unix socket without TLS, and the links the server answers
// with (Operation-Location, nextLink) must still name the endpoint the
// client called, or the SDK would refuse to send its token to them.
// It is meant for an http.Server's ConnContext.
func WithEndpointScheme(ctx context.Context, scheme string) context.Context {
	return context.WithValue(ctx, schemeKey{}, scheme)
}

// requestScheme is the scheme of the endpoint r was sent to.
func requestScheme(r *http.Request) string {
	if s, ok := r.Context().Value(schemeKey{}).(string); ok {
		return s
	}
	if r.TLS != nil {
		return "https"
	}
	return "http"
}
