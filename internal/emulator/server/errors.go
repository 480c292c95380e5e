package server

import (
	"fmt"
	"net/http"
)

// Error codes the emulator returns in the x-ms-error-code header and in the
// body's error.code. The 400 codes are the service's own (docs/emulator.md,
// Errors); the others are the emulator's choice, because the service's codes
// for 401/404/413/429 are not documented.
const (
	CodeValidationFailed      = "SessionRequestValidationFailed"
	CodePropertiesMissing     = "SessionPropertiesMissing"
	CodeRequestNotSupported   = "SessionRequestNotSupported"
	CodeSessionWithIDNotFound = "SessionWithIdentifierNotFound"
	CodeUnauthorized          = "Unauthorized"
	CodeFileNotFound          = "FileNotFound"
	CodeExecutionNotFound     = "ExecutionNotFound"
	CodeSessionNotFound       = "SessionNotFound"
	CodeNotFound              = "NotFound"
	CodeMethodNotAllowed      = "MethodNotAllowed"
	CodePayloadTooLarge       = "PayloadTooLarge"
	CodeRangeNotSatisfiable   = "RangeNotSatisfiable"
	CodePreconditionFailed    = "PreconditionFailed"
	CodeTooManySessions       = "TooManySessions"
	CodeExecutionQueueFull    = "ExecutionQueueFull"
	CodeInternal              = "InternalServerError"
	CodeUnavailable           = "ServiceUnavailable"
)

// apiError is a failed request, written as the service writes its errors:
// {"error":{"code","message"}} plus the x-ms-error-code header.
type apiError struct {
	status  int
	code    string
	message string
	// header holds extra response headers (Allow, Retry-After,
	// WWW-Authenticate) that the status code calls for.
	header map[string]string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message)
}

func newError(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, CodeValidationFailed, format, args...)
}

func (e *apiError) with(key, value string) *apiError {
	if e.header == nil {
		e.header = map[string]string{}
	}
	e.header[key] = value
	return e
}

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	h := w.Header()
	for k, v := range e.header {
		h.Set(k, v)
	}
	h.Set(HeaderErrorCode, e.code)
	writeJSON(w, e.status, errorBody{Error: errorDetail{Code: e.code, Message: e.message}})
}

// errShuttingDown answers a request that meets Close.
func errShuttingDown() *apiError {
	return newError(http.StatusServiceUnavailable, CodeUnavailable, "the emulator is shutting down")
}
