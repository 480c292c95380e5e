package azsessions

import (
	"strings"

	"github.com/seed-f3fa2c9d/azsessions/internal/wire"
)

// Headers of the service, named once in package wire.
const (
	headerOperationID                = wire.HeaderOperationID
	headerOperationLocation          = wire.HeaderOperationLocation
	headerErrorCode                  = wire.HeaderErrorCode
	headerExecutionRequestTime       = wire.HeaderExecutionRequestTime
	headerExecutionReadResponseTime  = wire.HeaderExecutionReadResponseTime
	headerTotalExecutionServiceTime  = wire.HeaderTotalExecutionServiceTime
	headerContainerExecutionDuration = wire.HeaderContainerExecutionDuration
	headerPreparationTime            = wire.HeaderPreparationTime
	headerAllocationTime             = wire.HeaderAllocationTime
	headerOverallExecutionTime       = wire.HeaderOverallExecutionTime
	headerAllocationRetries          = wire.HeaderAllocationRetries
	headerNewAllocation              = wire.HeaderNewAllocation
	headerSessionGUID                = wire.HeaderSessionGUID
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
