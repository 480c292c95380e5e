package azsessions

import (
	"strings"
)

// Response headers the service sends. HTTP header names are case-insensitive;
// these are the canonical spellings.
const (
	headerOperationID                = "Operation-Id"
	headerClientRequestID            = "X-Ms-Client-Request-Id"
	headerOperationLocation          = "Operation-Location"
	headerErrorCode                  = "X-Ms-Error-Code"
	headerExecutionRequestTime       = "X-Ms-Execution-Request-Time"
	headerExecutionReadResponseTime  = "X-Ms-Execution-Read-Response-Time"
	headerTotalExecutionServiceTime  = "X-Ms-Total-Execution-Service-Time"
	headerContainerExecutionDuration = "X-Ms-Container-Execution-Duration"
	headerPreparationTime            = "X-Ms-Preparation-Time"
	headerAllocationTime             = "X-Ms-Allocation-Time"
	headerOverallExecutionTime       = "X-Ms-Overall-Execution-Time"
	headerAllocationRetries          = "X-Ms-Allocation-Retries"
	headerNewAllocation              = "X-Ms-New-Allocation"
	headerSessionGUID                = "X-Ms-Session-Guid"
)

// loggedHeaders are the headers azcore's logger may print in clear: they
// carry timings and ids, never code, file contents or tokens.
func loggedHeaders() []string {
	return []string{
		headerOperationID, headerOperationLocation, headerErrorCode,
		headerExecutionRequestTime, headerExecutionReadResponseTime, headerTotalExecutionServiceTime,
		headerContainerExecutionDuration, headerPreparationTime, headerAllocationTime,
		headerOverallExecutionTime, headerAllocationRetries, headerNewAllocation, headerSessionGUID,
	}
}

// parseStringHeader returns the trimmed header value, or nil when it is
// empty.
func parseStringHeader(v string) *string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	return &v
}
