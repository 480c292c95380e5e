package azsessions

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// The limits on what the SDK reads of an answer that is not a download.
//
// maxResponseBody bounds a JSON answer: an execution with the default
// output cap, a file's metadata, a listing page, the pool's metadata. An
// execution answer holds stdout and stderr, each at most
// outputStreamsMaxLength characters (default 4096), the last expression's
// value (an image result is a base64 PNG, a few MiB for a large figure) and
// a small envelope; listings come in pages (the service documents 300
// sessions a page, a file entry is about 200 bytes). 16 MiB is far above
// all of them and keeps a hostile or broken server from growing the heap
// without bound.
//
// An execution asked for a larger OutputStreamsMaxLength may answer more:
// its limit grows by bytesPerOutputChar bytes for each character of both
// streams (a character is at most 12 bytes once JSON-escaped: a character
// outside the BMP is two \uXXXX escapes).
//
// maxErrorBody bounds what an *azcore.ResponseError keeps of a failed
// answer's body; the rest is not read. Service errors are small JSON objects.
const (
	maxResponseBody    = 16 << 20
	bytesPerOutputChar = 2 * 12
	maxErrorBody       = 64 << 10
)

// ErrResponseTooLarge: the service's answer to a call that is not a
// download is longer than the SDK reads for it (16 MiB, more for executions
// with a larger OutputStreamsMaxLength). Test with errors.Is.
var ErrResponseTooLarge = errors.New("azsessions: the service's answer is too large")

// ErrRedirectFollowed: the caller's policy.Transporter followed an HTTP
// redirect. The SDK refuses the answer, which came from a URL the client was
// not given; configure the transporter not to follow redirects (see the
// README). With the default transport or an *http.Client the SDK follows no
// redirect and a 3xx answer is an *azcore.ResponseError instead.
var ErrRedirectFollowed = errors.New("azsessions: the transport followed a redirect")

// responseLimitKey is the context key of a request's responseLimit.
type responseLimitKey struct{}

// responseLimit says how much of a request's answer the transport reads.
type responseLimit struct {
	// ok bounds a 2xx body; 0 leaves it to the caller (downloads, Send).
	ok int64
	// send: a ContainerClient.Send, whose answers of any status belong to
	// the caller. azcore still reads a body of status 400 or more in full,
	// so that one is bounded by maxResponseBody.
	send bool
}

// withResponseLimit tags ctx so that the answer to a request made with it is
// read up to limit bytes. Requests without a tag get maxResponseBody.
func withResponseLimit(ctx context.Context, limit responseLimit) context.Context {
	return context.WithValue(ctx, responseLimitKey{}, limit)
}

// executionLimit is the body limit of an execution answer whose streams
// are capped at outputCap characters.
func executionLimit(outputCap int) int64 {
	return maxResponseBody + bytesPerOutputChar*int64(outputCap)
}

// withExecutionLimit raises the limit for an execution with a larger cap
// than the default, which maxResponseBody already covers.
func withExecutionLimit(ctx context.Context, outputCap int) context.Context {
	if outputCap <= defaultOutputCap {
		return ctx
	}
	return withResponseLimit(ctx, responseLimit{ok: executionLimit(outputCap)})
}

// newTransport returns what the client's pipeline sends requests through:
// the caller's transporter, or the SDK's default client, wrapped so that no
// redirect is followed and no answer is read without bound.
func newTransport(t policy.Transporter) policy.Transporter {
	switch c := t.(type) {
	case nil:
		return guardedTransport{next: defaultHTTPClient()}
	case *http.Client:
		// A copy: the caller's client may serve other code that wants
		// redirects. Copying shares its Transport and connection pool.
		cp := *c
		cp.CheckRedirect = refuseRedirect
		return guardedTransport{next: &cp}
	default:
		return guardedTransport{next: t}
	}
}

// refuseRedirect makes an *http.Client return a 3xx answer as it came. A
// followed redirect would resend the Authorization header, the code and
// the upload body to wherever the Location points (another port of the same
// host keeps the header in net/http), or downgrade https to http.
func refuseRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// defaultHTTPClient is the client used when ClientOptions.Transport is nil:
// azcore's default transport settings, without redirects. It is shared by
// every client, as azcore's is, so they share connections.
var defaultHTTPClient = sync.OnceValue(func() *http.Client {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   10,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig: &tls.Config{
			MinVersion:    tls.VersionTLS12,
			Renegotiation: tls.RenegotiateFreelyAsClient,
		},
		// Health-check an idle HTTP/2 connection, as azcore does, so a
		// dead one is noticed within seconds.
		HTTP2: &http.HTTP2Config{SendPingTimeout: 10 * time.Second, PingTimeout: 5 * time.Second},
	}
	return &http.Client{Transport: t, CheckRedirect: refuseRedirect}
})

// guardedTransport refuses answers reached through a redirect and bounds
// the bodies azcore reads into memory.
type guardedTransport struct {
	next policy.Transporter
}

// Do implements policy.Transporter.
func (g guardedTransport) Do(req *http.Request) (*http.Response, error) {
	tries := tryLogOf(req)
	tries.startTry()
	resp, err := g.next.Do(req)
	tries.noteTry(resp, err)
	if err != nil || resp == nil {
		return resp, err
	}
	// net/http sets Request.Response on a request it made to follow a
	// redirect: this answer comes from wherever the service pointed.
	if resp.Request != nil && resp.Request.Response != nil {
		if resp.Body != nil {
			resp.Body.Close()
		}
		return nil, &redirectFollowedError{from: req.URL.Redacted(), to: resp.Request.URL.Redacted()}
	}
	if resp.Body == nil || resp.Body == http.NoBody {
		return resp, nil
	}
	limit := responseLimit{ok: maxResponseBody}
	if l, ok := req.Context().Value(responseLimitKey{}).(responseLimit); ok {
		limit = l
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		if limit.ok > 0 {
			resp.Body = &limitedBody{body: resp.Body, left: limit.ok, limit: limit.ok}
		}
	case limit.send:
		if resp.StatusCode >= 400 {
			resp.Body = &limitedBody{body: resp.Body, left: maxResponseBody, limit: maxResponseBody}
		}
	default:
		resp.Body = &excerptBody{body: resp.Body, left: maxErrorBody}
	}
	return resp, nil
}

// redirectFollowedError is ErrRedirectFollowed with the URLs involved. It
// is not retried: a retry would send the credential there again.
type redirectFollowedError struct {
	from, to string
}

func (e *redirectFollowedError) Error() string {
	return fmt.Sprintf("%v from %s to %s; the SDK refuses answers from a URL it was not given: configure the transporter not to follow redirects", ErrRedirectFollowed, e.from, e.to)
}

func (e *redirectFollowedError) Is(target error) bool { return target == ErrRedirectFollowed }

// NonRetriable tells azcore's retry policy not to send the request again.
func (e *redirectFollowedError) NonRetriable() {}

// limitedBody reads a body up to limit bytes and fails past it.
type limitedBody struct {
	body  io.ReadCloser
	left  int64
	limit int64
}

// Read implements io.Reader.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// At the limit: an answer of exactly limit bytes is fine.
		var one [1]byte
		if n, err := io.ReadFull(b.body, one[:]); n == 0 {
			if err != io.EOF {
				// Cut off at the limit, as it may be anywhere.
				err = &answerCutError{err: err}
			}
			return 0, err
		}
		return 0, &responseTooLargeError{limit: b.limit}
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.body.Read(p)
	b.left -= int64(n)
	if err != nil && err != io.EOF {
		err = &answerCutError{err: err}
	}
	return n, err
}

// answerCutError is a failure to read the body of a successful answer
// after its status and headers arrived (the connection reset, say): the
// service has answered, so an execution it names exists (see
// ExecutionClient.interrupted). Its text and what it wraps are err's.
type answerCutError struct {
	err error
}

func (e *answerCutError) Error() string { return e.err.Error() }

func (e *answerCutError) Unwrap() error { return e.err }

// answerCut tells whether err is a successful answer's body that could not
// be read whole.
func answerCut(err error) bool {
	var cut *answerCutError
	return errors.As(err, &cut)
}

// Close implements io.Closer.
func (b *limitedBody) Close() error { return b.body.Close() }

// responseTooLargeError is ErrResponseTooLarge with the limit. It is not
// retried: the same request would get the same answer.
type responseTooLargeError struct {
	limit int64
}

func (e *responseTooLargeError) Error() string {
	return fmt.Sprintf("%v: it is longer than %d bytes, the most the SDK reads for this call", ErrResponseTooLarge, e.limit)
}

func (e *responseTooLargeError) Is(target error) bool { return target == ErrResponseTooLarge }

// NonRetriable tells azcore's retry policy not to send the request again.
func (e *responseTooLargeError) NonRetriable() {}

// excerptMarker ends a failed answer's body that was cut at maxErrorBody.
const excerptMarker = "\n[azsessions: the rest of this response body was not read]"

// excerptBody reads the first bytes of a failed answer's body, then the
// marker, then EOF; the rest is never read.
type excerptBody struct {
	body   io.ReadCloser
	left   int64
	marker string // what remains to be read of excerptMarker
	done   bool
}

// Read implements io.Reader.
func (b *excerptBody) Read(p []byte) (int, error) {
	if b.left > 0 {
		if int64(len(p)) > b.left {
			p = p[:b.left]
		}
		n, err := b.body.Read(p)
		b.left -= int64(n)
		if err != nil || b.left > 0 || n == 0 {
			return n, err
		}
		// The excerpt is full: is there more to mark as cut?
		var one [1]byte
		if m, _ := io.ReadFull(b.body, one[:]); m == 0 {
			b.done = true
		} else {
			b.marker = excerptMarker
		}
		return n, nil
	}
	if b.done || b.marker == "" {
		return 0, io.EOF
	}
	n := copy(p, b.marker)
	b.marker = b.marker[n:]
	if b.marker == "" {
		b.done = true
	}
	return n, nil
}

// Close implements io.Closer.
func (b *excerptBody) Close() error { return b.body.Close() }
