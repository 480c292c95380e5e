package azsessions

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// tryLogKey is the context key of a call's tryLog.
type tryLogKey struct{}

// tryLog records whether a try of one call may have been acted on by the
// service: its request may have gone out and no answer says it was not
// acted on. azcore's retry policy sends a request again after a transport
// error (a lost answer, a try's timeout) or a 5xx, so a later try can find
// the work done by an earlier one; and a call that failed before any try
// left cannot have started anything.
type tryLog struct {
	mayHaveActed atomic.Bool
	// answerLost: net/http wrote a try's request, then failed before its
	// answer (the connection closed or reset, the try's deadline passed).
	// Another transport says nothing of what it sent, so it never sets it.
	answerLost atomic.Bool
}

// withTryLog returns ctx carrying a new tryLog for the call made with it.
func withTryLog(ctx context.Context) (context.Context, *tryLog) {
	log := &tryLog{}
	return context.WithValue(ctx, tryLogKey{}, log), log
}

// acted tells whether a try of the call may have been acted on; false
// for a nil log.
func (log *tryLog) acted() bool { return log != nil && log.mayHaveActed.Load() }

// lost tells whether a try of the call was written and its answer lost;
// false for a nil log.
func (log *tryLog) lost() bool { return log != nil && log.answerLost.Load() }

// tryTrace is what net/http says of one try: whether it looked for a
// connection, and whether it wrote the request's headers on one.
type tryTrace struct {
	lookedForConn, wroteHeaders atomic.Bool
}

// traceTry returns req with a tryTrace watching it, when its call keeps a
// tryLog; req and nil otherwise. A transport other than net/http's tells
// the trace nothing.
func traceTry(req *http.Request) (*http.Request, *tryTrace) {
	if _, ok := req.Context().Value(tryLogKey{}).(*tryLog); !ok {
		return req, nil
	}
	tr := &tryTrace{}
	ctx := httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		GetConn:      func(string) { tr.lookedForConn.Store(true) },
		WroteHeaders: func() { tr.wroteHeaders.Store(true) },
	})
	return req.WithContext(ctx), tr
}

// lostAnswer tells whether net/http failed the try with err after it wrote
// the request's headers: the service may have it.
func (tr *tryTrace) lostAnswer(err error) bool {
	return tr != nil && err != nil && tr.wroteHeaders.Load()
}

// unsent tells whether net/http failed the try before writing any of it:
// while it dialled, made the TLS handshake, or waited for a connection
// (a try's deadline passing then is not an OpError of the dial).
func (tr *tryTrace) unsent(err error) bool {
	return tr != nil && err != nil && tr.lookedForConn.Load() && !tr.wroteHeaders.Load()
}

// noteTry records in its call's tryLog, when the call keeps one, what
// became of a try that reached the transport; tr is its traceTry.
func noteTry(req *http.Request, tr *tryTrace, resp *http.Response, err error) {
	log, ok := req.Context().Value(tryLogKey{}).(*tryLog)
	if !ok {
		return
	}
	if !tr.unsent(err) && tryMayHaveActed(resp, err) {
		log.mayHaveActed.Store(true)
	}
	if tr.lostAnswer(err) {
		log.answerLost.Store(true)
	}
}

// tryMayHaveActed tells whether the service may have done what a try
// asked: it answered with success or a server error other than 503 (which
// says the request was not processed), or the transport failed after the
// connection was made, with the answer lost. An answer of 4xx (408 and
// 429 included) says the request was refused, and a failed dial that
// nothing was sent.
func tryMayHaveActed(resp *http.Response, err error) bool {
	var re *azcore.ResponseError
	switch {
	case errors.As(err, &re):
		// A transport that answers with an error of the service's
		// (azcore's fake ErrorResponder) has answered.
		return answerMayHaveActed(re.StatusCode)
	case failedDial(err):
		return false
	case err != nil:
		return true
	}
	return resp != nil && answerMayHaveActed(resp.StatusCode)
}

// answerMayHaveActed tells whether an answer with this status may follow
// the work done: a success, or a server error other than 503.
func answerMayHaveActed(status int) bool {
	return status != http.StatusServiceUnavailable && (status < 300 || status >= 500)
}

// goneAfterLostAnswer tells whether err, the failure of a call that ends a
// session or a file, says that session or file does not exist while an
// earlier try of the call may have ended it: the service acted, its answer
// was lost, and azcore's retry found the work done. The call has then
// reached its goal.
func goneAfterLostAnswer(log *tryLog, err error) bool {
	var re *azcore.ResponseError
	if !log.acted() || !errors.As(err, &re) {
		return false
	}
	return re.StatusCode == http.StatusNotFound || re.ErrorCode == string(ErrorCodeSessionWithIdentifierNotFound)
}

// failedDial tells whether err is a failed dial (refused, a name that did
// not resolve, a dial timeout): no connection was made, so nothing of the
// request was sent.
func failedDial(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
