package mcpserver

import (
	"context"
	"net/url"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// FileURI is the resource URI of the file path (relative to /mnt/data, "/"
// between directories) in the sandbox of the new_session handle session,
// or in the connection's own sandbox when session is "". Each segment is
// percent-encoded as RFC 3986 says, byte by byte of its UTF-8: "données.csv"
// is "donn%C3%A9es.csv". Go clients should use it rather than expand the
// templates with github.com/yosida95/uritemplate/v3 (which the Go SDK uses
// to match them): that encodes a character's code point, not its UTF-8, so
// "é" becomes "%E9", which the server refuses as not UTF-8, and "䅁"
// (U+4141) becomes "%41%41", the name "AA", another file.
func FileURI(session, path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	p := strings.Join(segs, "/")
	if session == "" {
		return filePrefix + p
	}
	return sessionPrefix + url.PathEscape(session) + "/files/" + p
}

// encodeResourceURIs is receiving middleware that lets a client read a
// file whose name it put in the URI as it is (an IRI: "données.csv", "a
// b.txt"), as URIs in user interfaces are often written. The SDK matches a
// URI against the templates before the server sees it, and RFC 6570's
// match takes only ASCII URI characters and percent-escapes, so such a read
// was "Resource not found". The middleware percent-encodes, as UTF-8, every
// byte the match would refuse (a '%' that starts no escape too) before the
// SDK matches, and answers with the URI the client sent.
func encodeResourceURIs(next mcp.MethodHandler) mcp.MethodHandler {
	return func(ctx context.Context, method string, req mcp.Request) (mcp.Result, error) {
		r, ok := req.(*mcp.ReadResourceRequest)
		if !ok || r.Params == nil || !strings.HasPrefix(r.Params.URI, "azsessions://") {
			return next(ctx, method, req)
		}
		sent := r.Params.URI
		encoded := encodeURIBytes(sent)
		if encoded == sent {
			return next(ctx, method, req)
		}
		params := *r.Params
		params.URI = encoded
		r.Params = &params
		res, err := next(ctx, method, req)
		if read, ok := res.(*mcp.ReadResourceResult); ok && read != nil {
			for _, c := range read.Contents {
				if c.URI == encoded {
					c.URI = sent
				}
			}
		}
		return res, err
	}
}

// encodeURIBytes percent-encodes every byte of uri that is neither an ASCII
// character a URI may hold (unreserved or reserved) nor part of a
// percent-escape.
func encodeURIBytes(uri string) string {
	var b strings.Builder
	for i := 0; i < len(uri); i++ {
		c := uri[i]
		switch {
		case c == '%' && i+2 < len(uri) && isHex(uri[i+1]) && isHex(uri[i+2]):
			b.WriteByte(c)
		case c < 0x80 && c != '%' && (isUnreserved(c) || strings.IndexByte(":/?#[]@!$&'()*+,;=", c) >= 0):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte("0123456789ABCDEF"[c>>4])
			b.WriteByte("0123456789ABCDEF"[c&15])
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}
