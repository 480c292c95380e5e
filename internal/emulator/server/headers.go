package server

import (
	"fmt"
	"strconv"
	"time"
)

// Diagnostic headers of Python executions (api-contract.md section 7). The
// values are measured; their formats copy the one transcript that shows
// them, which mixes integer milliseconds, float milliseconds and a Go
// duration string, so that clients are exercised against all three.
const (
	HeaderOperationID              = "operation-id"
	HeaderOperationLocation        = "Operation-Location"
	HeaderContainerExecDuration    = "X-Ms-Container-Execution-Duration"
	HeaderExecutionRequestTime     = "X-Ms-Execution-Request-Time"
	HeaderOverallExecutionTime     = "X-Ms-Overall-Execution-Time"
	HeaderExecutionReadRespTime    = "X-Ms-Execution-Read-Response-Time"
	HeaderTotalExecutionSvcTime    = "X-Ms-Total-Execution-Service-Time"
	HeaderPreparationTime          = "X-Ms-Preparation-Time"
	HeaderAllocationTime           = "X-Ms-Allocation-Time"
	HeaderAllocationRetries        = "X-Ms-Allocation-Retries"
	HeaderNewAllocation            = "X-Ms-New-Allocation"
	HeaderSessionGUID              = "X-Ms-Session-Guid"
	HeaderErrorCode                = "x-ms-error-code"
	headerMillisecondsFloatDecimal = 6
)

func millis(d time.Duration) string { return strconv.FormatInt(d.Milliseconds(), 10) }

// setTimingHeaders sets the diagnostic headers of a synchronous Python
// execution answered now. prepared is when the request had been parsed and
// validated (the preparation phase ends there); allocation is what acquire
// measured; the execution's own times come from the worker.
func (c *call) setTimingHeaders(sess *session, acq acquisition, e *execution, prepared time.Time) {
	now := time.Now()
	// A deduplicated request may find its execution finished before it
	// arrived; its request time then ends where it started.
	finished := e.finishedAt
	if finished.Before(c.start) {
		finished = c.start
	}
	h := c.w.Header()
	h.Set(HeaderContainerExecDuration, millis(e.res.Duration))
	h.Set(HeaderExecutionRequestTime, fmt.Sprintf("%.*f", headerMillisecondsFloatDecimal, float64(finished.Sub(c.start))/float64(time.Millisecond)))
	h.Set(HeaderOverallExecutionTime, e.finishedAt.Sub(e.startedAt).String())
	h.Set(HeaderExecutionReadRespTime, millis(now.Sub(finished)))
	h.Set(HeaderTotalExecutionSvcTime, millis(now.Sub(c.start)))
	h.Set(HeaderPreparationTime, millis(prepared.Sub(c.start)))
	h.Set(HeaderAllocationTime, millis(acq.allocTime))
	h.Set(HeaderAllocationRetries, "0")
	h.Set(HeaderNewAllocation, strconv.FormatBool(acq.allocated))
	h.Set(HeaderSessionGUID, sess.guid)
}
