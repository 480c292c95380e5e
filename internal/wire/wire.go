// Package wire names the headers and query parameters of the dynamic
// sessions data-plane API, once, for the three packages that speak it: the
// SDK (package azsessions), its fake and the emulator's server. A name that
// changes on the wire changes here, and all three follow.
//
// HTTP header names are case-insensitive; these are the canonical spellings
// that net/http's Header.Get and Header.Set use.
package wire

// Query parameters of the API.
const (
	// QueryAPIVersion selects the API version of a request.
	QueryAPIVersion = "api-version"
	// QueryIdentifier names the session a request is for.
	QueryIdentifier = "identifier"
	// QueryPath is the directory of a file request, relative to /mnt/data.
	QueryPath = "path"
	// QueryRecursive asks a file listing for the files of subdirectories too.
	QueryRecursive = "recursive"
	// QuerySkip starts a session listing after this many sessions.
	QuerySkip = "skip"
)

// OmitsAPIVersion is the context key with which ContainerClient.Send marks a
// request sent with OmitAPIVersion (value true), so that the fake can tell
// an api-version in Query (the container's own) from the client's.
type OmitsAPIVersion struct{}

// EndpointPath is the context key with which ContainerClient.Send gives the
// escaped path of the client's endpoint (without a trailing "/"), so that
// the fake can tell the container's path from the endpoint's, whatever
// shape the endpoint has.
type EndpointPath struct{}

// Headers of requests and responses.
const (
	// HeaderOperationID is the execution's id: sent by the client to make a
	// retried execution idempotent, and answered by the service.
	HeaderOperationID = "Operation-Id"
	// HeaderClientRequestID is the client's id of one request.
	HeaderClientRequestID = "X-Ms-Client-Request-Id"
	// HeaderOperationLocation is the URL to poll an asynchronous execution at.
	HeaderOperationLocation = "Operation-Location"
	// HeaderErrorCode is the service's error code of a failed request.
	HeaderErrorCode = "X-Ms-Error-Code"
)

// Timing and allocation headers of code executions.
const (
	HeaderExecutionRequestTime       = "X-Ms-Execution-Request-Time"
	HeaderExecutionReadResponseTime  = "X-Ms-Execution-Read-Response-Time"
	HeaderTotalExecutionServiceTime  = "X-Ms-Total-Execution-Service-Time"
	HeaderContainerExecutionDuration = "X-Ms-Container-Execution-Duration"
	HeaderPreparationTime            = "X-Ms-Preparation-Time"
	HeaderAllocationTime             = "X-Ms-Allocation-Time"
	HeaderOverallExecutionTime       = "X-Ms-Overall-Execution-Time"
	HeaderAllocationRetries          = "X-Ms-Allocation-Retries"
	HeaderNewAllocation              = "X-Ms-New-Allocation"
	HeaderSessionGUID                = "X-Ms-Session-Guid"
)
