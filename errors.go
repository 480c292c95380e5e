package azsessions

import (
	"errors"
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// Client-side validation errors. Methods wrap them with detail; test with
// errors.Is. A request that fails validation is never sent.
var (
	// ErrInvalidEndpoint: NewClient was given an endpoint that is not an
	// absolute http(s) URL, or that has a query, a fragment or white space
	// around it.
	ErrInvalidEndpoint = errors.New("azsessions: invalid endpoint")
	// ErrInvalidIdentifier: a session identifier is empty, is not valid
	// UTF-8 or holds control characters.
	ErrInvalidIdentifier = errors.New("azsessions: invalid session identifier")
	// ErrInvalidFileName: a file name is empty, ".", "..", holds a "/" or "\"
	// (use the Path option for directories) or control characters, or is not
	// valid UTF-8.
	ErrInvalidFileName = errors.New("azsessions: invalid file name")
	// ErrInvalidPath: a directory path has a ".." segment or control
	// characters, or is not valid UTF-8.
	ErrInvalidPath = errors.New("azsessions: invalid path")
	// ErrInvalidArgument: another argument cannot be used (a nil body, an
	// empty execution ID, a resume token the SDK did not make...).
	ErrInvalidArgument = errors.New("azsessions: invalid argument")
	// ErrUntrustedURL: the service sent a nextLink or Operation-Location, or
	// a resume token holds a poll URL, on another host (or scheme) than the
	// endpoint. Following it would send the bearer token elsewhere, so the
	// SDK refuses. ExecutionClient.Execute and BeginExecute return it inside
	// an *ExecutionInterruptedError, as the execution exists all the same.
	ErrUntrustedURL = errors.New("azsessions: service returned a URL outside the pool endpoint")
	// ErrRepeatedNextLink: a pager's nextLink names a page the pager has
	// already fetched. Following it would loop forever, so NextPage
	// returns this error instead.
	ErrRepeatedNextLink = errors.New("azsessions: the service sent a nextLink to a page already fetched")
	// ErrTooManyPages: a pager fetched 100,000 pages and the service still
	// sent a nextLink, each one new; the listing is stopped rather than
	// followed until the caller's deadline.
	ErrTooManyPages = errors.New("azsessions: the service sent more pages than any listing has")
)

// ExecutionInterruptedError is returned by ExecutionClient.Execute (and
// BeginExecute) when its context ended before the service answered; when
// the request was sent and its answer did not come
// (ClientOptions.Retry.TryTimeout passed, or the connection closed or reset
// before the answer's status); and when
// the service answered but the SDK could not get the result: the answer was
// too large (ErrResponseTooLarge), cut off on the way or no execution
// (ErrInvalidResponse), its Operation-Location is one the SDK will not poll
// (ErrUntrustedURL), or, for Execute, a poll failed. The code may still
// be running, or have finished: its result stays with the service, and
// ExecutionClient.Get(ctx, e.Identifier, e.OperationID, nil) fetches it.
// Err says why; when the context ended, errors.Is(err,
// context.DeadlineExceeded) (or context.Canceled) holds.
type ExecutionInterruptedError struct {
	// OperationID is the execution's id: the operation-id header sent.
	OperationID string
	// Identifier is the session the execution runs in.
	Identifier string
	// Err is why the wait ended: it wraps the context's error when that
	// ended it, or the transport's error of an answer lost, or the failed
	// poll's, or ErrResponseTooLarge,
	// ErrInvalidResponse, ErrUntrustedURL or the read error of an answer
	// cut off.
	Err error
}

// Error implements error. The text names the operation id, so that a
// logged error is enough to find the result.
func (e *ExecutionInterruptedError) Error() string {
	return fmt.Sprintf("azsessions: stopped waiting for execution %s in session %q: %v; ExecutionClient.Get with this operation id fetches its result", e.OperationID, e.Identifier, e.Err)
}

// Unwrap returns Err.
func (e *ExecutionInterruptedError) Unwrap() error { return e.Err }

// ErrorCode is an error code the service returns in the x-ms-error-code
// header and the error body. *azcore.ResponseError.ErrorCode holds it.
type ErrorCode string

// Error codes the service is known to return. The service may return others;
// for 401, 403, 404, 413 and 429 check ResponseError.StatusCode instead, as
// the service's codes for them are not documented.
const (
	// ErrorCodeSessionPropertiesMissing: the request body lacks what the pool
	// needs (code for code pools, a command for shell pools), or was wrapped
	// in the legacy "properties" envelope.
	ErrorCodeSessionPropertiesMissing ErrorCode = "SessionPropertiesMissing"
	// ErrorCodeSessionRequestValidationFailed: a bad identifier, api-version
	// or parameter.
	ErrorCodeSessionRequestValidationFailed ErrorCode = "SessionRequestValidationFailed"
	// ErrorCodeSessionRequestNotSupported: the operation is not supported by
	// this api-version or pool type.
	ErrorCodeSessionRequestNotSupported ErrorCode = "SessionRequestNotSupported"
	// ErrorCodeSessionWithIdentifierNotFound: no session has this identifier
	// (stop and get on custom-container pools).
	ErrorCodeSessionWithIdentifierNotFound ErrorCode = "SessionWithIdentifierNotFound"
	// ErrorCodeDynamicApisNotAllowed: the pool does not allow this API, for
	// example a custom-container pool called through a code-interpreter URL.
	ErrorCodeDynamicApisNotAllowed ErrorCode = "DynamicApisNotAllowed"
)

// PossibleErrorCodeValues returns the error codes the SDK knows of.
func PossibleErrorCodeValues() []ErrorCode {
	return []ErrorCode{
		ErrorCodeSessionPropertiesMissing,
		ErrorCodeSessionRequestValidationFailed,
		ErrorCodeSessionRequestNotSupported,
		ErrorCodeSessionWithIdentifierNotFound,
		ErrorCodeDynamicApisNotAllowed,
	}
}

// HasCode reports whether err is an *azcore.ResponseError whose ErrorCode is
// one of codes.
func HasCode(err error, codes ...ErrorCode) bool {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return false
	}
	for _, c := range codes {
		if re.ErrorCode == string(c) {
			return true
		}
	}
	return false
}
