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

	// What net/http says of the current try, through trace: whether it
	// looked for a connection, and whether it wrote the request's headers
	// on one. Another transport tells them nothing. startTry clears them
	// as each try reaches the transport; tries are sequential. A late
	// event of an earlier try (its writer goroutine finishing after the
	// try gave up) can only say that an earlier try was written, which is
	// true of the call, so the call's flags stay sound.
	lookedForConn, wroteHeaders atomic.Bool
	// trace is in the context of the call's request from the start, so
	// that a try needs no request clone or trace of its own.
	trace httptrace.ClientTrace
}

// withTryLog returns ctx carrying a new tryLog for the call made with it,
// and the log's trace.
func withTryLog(ctx context.Context) (context.Context, *tryLog) {
	log := &tryLog{}
	log.trace = httptrace.ClientTrace{
		GetConn:      func(string) { log.lookedForConn.Store(true) },
		WroteHeaders: func() { log.wroteHeaders.Store(true) },
	}
	ctx = httptrace.WithClientTrace(ctx, &log.trace)
	return context.WithValue(ctx, tryLogKey{}, log), log
}

// tryLogOf returns the tryLog of req's call; nil when it keeps none.
func tryLogOf(req *http.Request) *tryLog {
	log, _ := req.Context().Value(tryLogKey{}).(*tryLog)
	return log
}

// acted tells whether a try of the call may have been acted on; false
// for a nil log.
func (log *tryLog) acted() bool { return log != nil && log.mayHaveActed.Load() }

// lost tells whether a try of the call was written and its answer lost;
// false for a nil log.
func (log *tryLog) lost() bool { return log != nil && log.answerLost.Load() }

// startTry forgets what net/http said of the previous try, as a new try
// reaches the transport; nothing for a nil log.
func (log *tryLog) startTry() {
	if log == nil {
		return
	}
	log.lookedForConn.Store(false)
	log.wroteHeaders.Store(false)
}

// lostAnswer tells whether net/http failed the current try with err after
// it wrote the request's headers: the service may have it.
func (log *tryLog) lostAnswer(err error) bool {
	return err != nil && log.wroteHeaders.Load()
}

// unsent tells whether net/http failed the current try before writing any
// of it: while it dialled, made the TLS handshake, or waited for a
// connection (a try's deadline passing then is not an OpError of the dial).
func (log *tryLog) unsent(err error) bool {
	return err != nil && log.lookedForConn.Load() && !log.wroteHeaders.Load()
}

// noteTry records what became of a try that reached the transport; nothing
// for a nil log.
func (log *tryLog) noteTry(resp *http.Response, err error) {
	if log == nil {
		return
	}
	if !log.unsent(err) && tryMayHaveActed(resp, err) {
		log.mayHaveActed.Store(true)
	}
	if log.lostAnswer(err) {
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
	if err == nil {
		return resp != nil && answerMayHaveActed(resp.StatusCode)
	}
	var re *azcore.ResponseError
	switch {
	case errors.As(err, &re):
		// A transport that answers with an error of the service's
		// (azcore's fake ErrorResponder) has answered.
		return answerMayHaveActed(re.StatusCode)
	case failedDial(err):
		return false
	}
	return true
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
