package azsessions

import (
	"context"
	"net/http"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// maxServiceTimeout is the longest any execution runs on the service.
const maxServiceTimeout = 220

// callerWait is how long the caller of Execute waits for an answer: until
// its context's deadline (when it has one) or for each try's
// ClientOptions.Retry.TryTimeout (when set), whichever ends first.
type callerWait struct {
	deadline    time.Time
	hasDeadline bool
	tryTimeout  time.Duration
}

// seconds returns the timeoutInSeconds for a try starting now, and false
// when the caller waits without end.
func (w callerWait) seconds() (int32, bool) {
	wait, waits := w.tryTimeout, w.tryTimeout > 0
	if w.hasDeadline {
		if left := time.Until(w.deadline); !waits || left < wait {
			wait, waits = left, true
		}
	}
	if !waits {
		return 0, false
	}
	// Whole seconds below the wait: the service's answer to code it stops
	// at its timeout must reach the caller before the wait ends, and a
	// try's clock starts before the service's.
	return int32(min(max((wait-1)/time.Second, 1), maxServiceTimeout)), true
}

// perTryTimeoutKey is the context key of an Execute's *perTryTimeout.
type perTryTimeoutKey struct{}

// perTryTimeout is an Execute whose timeoutInSeconds the SDK derives from
// the caller's wait: request holds the value written before the first try.
type perTryTimeout struct {
	request ExecutionRequest
}

// withDeadlineTimeout returns request with TimeoutInSeconds set to the time
// the caller waits (see callerWait), when the caller set none, and what
// timeoutPolicy needs to send each later try the time left when it starts
// (nil when the caller set a timeout or waits without end).
func withDeadlineTimeout(ctx context.Context, tryTimeout time.Duration, request ExecutionRequest) (ExecutionRequest, *perTryTimeout) {
	if request.TimeoutInSeconds != nil {
		return request, nil
	}
	w := callerWait{tryTimeout: tryTimeout}
	w.deadline, w.hasDeadline = ctx.Deadline()
	secs, ok := w.seconds()
	if !ok {
		return request, nil
	}
	request.TimeoutInSeconds = &secs
	return request, &perTryTimeout{request: request}
}

// tag returns ctx carrying t for the execution's request; ctx itself when
// t is nil.
func (t *perTryTimeout) tag(ctx context.Context) context.Context {
	if t == nil {
		return ctx
	}
	return context.WithValue(ctx, perTryTimeoutKey{}, t)
}

// timeoutPolicy rewrites the timeoutInSeconds of each try of an Execute
// whose timeout the SDK derives, when the time left has changed since the
// body was written: a retry after a 429's Retry-After wait must not ask the
// service to run the code past the caller's deadline, nor a try whose
// credential took part of its TryTimeout to fetch the token past the try's.
// It runs per try, after the token is fetched and before bodyPolicy reads
// the body. The try's context ends at the nearer of ctx's deadline and the
// try's (azcore sets it), so its deadline is the caller's wait.
type timeoutPolicy struct{}

// Do implements policy.Policy.
func (timeoutPolicy) Do(req *policy.Request) (*http.Response, error) {
	ctx := req.Raw().Context()
	t, ok := ctx.Value(perTryTimeoutKey{}).(*perTryTimeout)
	if !ok {
		return req.Next()
	}
	w := callerWait{}
	w.deadline, w.hasDeadline = ctx.Deadline()
	if secs, ok := w.seconds(); ok && secs != *t.request.TimeoutInSeconds {
		r := t.request
		r.TimeoutInSeconds = &secs
		// This try's request is a clone: the retry policy rewinds the
		// first body for the next try, which comes here again.
		if err := runtime.MarshalAsJSON(req, r.body(ExecutionTypeSynchronous)); err != nil {
			return nil, err
		}
	}
	return req.Next()
}
