package server

import (
	"fmt"
	"strconv"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/wire"
)

// Query parameters of the API, named once in package wire.
const (
	queryAPIVersion = wire.QueryAPIVersion
	queryIdentifier = wire.QueryIdentifier
	queryPath       = wire.QueryPath
	queryRecursive  = wire.QueryRecursive
	querySkip       = wire.QuerySkip
)

// Headers of the API, named once in package wire, among them the
// diagnostic headers of Python executions (docs/emulator.md, Executions). The
// values are measured; their formats copy the one transcript that shows
// them, which mixes integer milliseconds, float milliseconds and a Go
// duration string, so that clients are exercised against all three.
const (
	HeaderOperationID              = wire.HeaderOperationID
	HeaderOperationLocation        = wire.HeaderOperationLocation
	HeaderContainerExecDuration    = wire.HeaderContainerExecutionDuration
	HeaderExecutionRequestTime     = wire.HeaderExecutionRequestTime
	HeaderOverallExecutionTime     = wire.HeaderOverallExecutionTime
	HeaderExecutionReadRespTime    = wire.HeaderExecutionReadResponseTime
	HeaderTotalExecutionSvcTime    = wire.HeaderTotalExecutionServiceTime
	HeaderPreparationTime          = wire.HeaderPreparationTime
	HeaderAllocationTime           = wire.HeaderAllocationTime
	HeaderAllocationRetries        = wire.HeaderAllocationRetries
	HeaderNewAllocation            = wire.HeaderNewAllocation
	HeaderSessionGUID              = wire.HeaderSessionGUID
	HeaderErrorCode                = wire.HeaderErrorCode
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
