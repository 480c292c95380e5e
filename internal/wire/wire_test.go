package wire

import (
	"net/http"
	"testing"
)

// Header names are spelt canonically, so that a map lookup of an
// http.Header finds them as Get does.
func TestHeadersAreCanonical(t *testing.T) {
	for _, name := range []string{
		HeaderOperationID, HeaderClientRequestID, HeaderOperationLocation, HeaderErrorCode,
		HeaderExecutionRequestTime, HeaderExecutionReadResponseTime, HeaderTotalExecutionServiceTime,
		HeaderContainerExecutionDuration, HeaderPreparationTime, HeaderAllocationTime,
		HeaderOverallExecutionTime, HeaderAllocationRetries, HeaderNewAllocation, HeaderSessionGUID,
	} {
		if got := http.CanonicalHeaderKey(name); got != name {
			t.Errorf("header %q is not canonical; want %q", name, got)
		}
	}
}
