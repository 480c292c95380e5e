package azsessions

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
)

// Metrics holds the timing and allocation headers the service returns on
// code executions. A field is nil when its header was absent or could not be
// parsed: a diagnostic header never fails a call.
type Metrics struct {
	// ExecutionRequestTime is the time from the start of the request to the
	// start of response processing (X-Ms-Execution-Request-Time).
	ExecutionRequestTime *time.Duration
	// ExecutionReadResponseTime is the time spent reading the execution's
	// response (X-Ms-Execution-Read-Response-Time).
	ExecutionReadResponseTime *time.Duration
	// TotalExecutionServiceTime is the service's total time across all phases
	// (X-Ms-Total-Execution-Service-Time).
	TotalExecutionServiceTime *time.Duration
	// ContainerExecutionDuration is how long the code ran in the session
	// (X-Ms-Container-Execution-Duration).
	ContainerExecutionDuration *time.Duration
	// PreparationTime is the environment preparation time before allocation
	// (X-Ms-Preparation-Time).
	PreparationTime *time.Duration
	// AllocationTime is the time taken to allocate the session
	// (X-Ms-Allocation-Time).
	AllocationTime *time.Duration
	// OverallExecutionTime is the time from the beginning to the end of the
	// execution (X-Ms-Overall-Execution-Time).
	OverallExecutionTime *time.Duration
	// AllocationRetries is how many times allocation was retried
	// (X-Ms-Allocation-Retries).
	AllocationRetries *int
	// NewAllocation reports whether this request allocated a new session
	// rather than reusing one (X-Ms-New-Allocation).
	NewAllocation *bool
	// SessionGUID identifies the interpreter instance serving the session
	// (X-Ms-Session-Guid).
	SessionGUID *string
}

// parseMetrics reads the timing headers of h. It never fails.
func parseMetrics(h http.Header) Metrics {
	var m Metrics
	for _, d := range [...]struct {
		name string
		dst  **time.Duration
	}{
		{headerExecutionRequestTime, &m.ExecutionRequestTime},
		{headerExecutionReadResponseTime, &m.ExecutionReadResponseTime},
		{headerTotalExecutionServiceTime, &m.TotalExecutionServiceTime},
		{headerContainerExecutionDuration, &m.ContainerExecutionDuration},
		{headerPreparationTime, &m.PreparationTime},
		{headerAllocationTime, &m.AllocationTime},
		{headerOverallExecutionTime, &m.OverallExecutionTime},
	} {
		if v, ok := parseDurationHeader(h.Get(d.name)); ok {
			*d.dst = to.Ptr(v)
		}
	}
	if n, err := strconv.Atoi(strings.TrimSpace(h.Get(headerAllocationRetries))); err == nil && n >= 0 {
		m.AllocationRetries = to.Ptr(n)
	}
	if b, err := strconv.ParseBool(strings.TrimSpace(h.Get(headerNewAllocation))); err == nil {
		m.NewAllocation = to.Ptr(b)
	}
	m.SessionGUID = parseStringHeader(h.Get(headerSessionGUID))
	return m
}

// parseDurationHeader accepts the three formats seen on the wire: integer
// milliseconds ("5011"), fractional milliseconds ("5010.000000") and Go
// duration strings ("42m56.970311818s"). Anything else, negative values and
// values that overflow time.Duration give false.
func parseDurationHeader(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	// Only a failed parse allocates (its error), so pick the parser first.
	switch isDecimal(v) {
	case decimalInteger:
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil || ms > math.MaxInt64/int64(time.Millisecond) {
			return 0, false
		}
		return time.Duration(ms) * time.Millisecond, true
	case decimalFraction:
		ms, err := strconv.ParseFloat(v, 64)
		if err != nil || ms*float64(time.Millisecond) >= math.MaxInt64 {
			return 0, false
		}
		return time.Duration(math.Round(ms * float64(time.Millisecond))), true
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, false
	}
	return d, true
}

// decimalKind is what isDecimal found.
type decimalKind int

const (
	notDecimal      decimalKind = iota
	decimalInteger              // digits only
	decimalFraction             // digits with one "."
)

// isDecimal tells whether v is digits with at most one ".", so that
// ParseFloat never sees "NaN", "Inf", hex floats or exponents, and a sign
// never reaches either parser.
func isDecimal(v string) decimalKind {
	dot := false
	digits := 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot:
			dot = true
		default:
			return notDecimal
		}
	}
	switch {
	case digits == 0:
		return notDecimal
	case dot:
		return decimalFraction
	default:
		return decimalInteger
	}
}
