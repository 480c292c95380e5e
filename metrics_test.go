package azsessions

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseDurationHeader(t *testing.T) {
	ok := map[string]time.Duration{
		"5011":             5011 * time.Millisecond,
		" 7 ":              7 * time.Millisecond,
		"0":                0,
		"5010.000000":      5010 * time.Millisecond,
		"0.5":              500 * time.Microsecond,
		"12.":              12 * time.Millisecond,
		".25":              250 * time.Microsecond,
		"42m56.970311818s": 42*time.Minute + 56970311818*time.Nanosecond,
		"1.5s":             1500 * time.Millisecond,
		"250ms":            250 * time.Millisecond,
	}
	for in, want := range ok {
		got, parsed := parseDurationHeader(in)
		require.True(t, parsed, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", " ", "abc", "-5", "+5", "+1.5", "-1.5", "-3s", "NaN", "Inf", "1e3", "0x10", "1.2.3", ".", "99999999999999999999", "9223372036854.775807", "5 ms"} {
		_, parsed := parseDurationHeader(in)
		require.False(t, parsed, "%q", in)
	}
}

func TestParseMetricsLeavesBadHeadersUnset(t *testing.T) {
	h := http.Header{}
	h.Set("x-ms-allocation-retries", "-1")
	h.Set("x-ms-new-allocation", "maybe")
	h.Set("x-ms-preparation-time", "12")
	h.Set("x-ms-session-guid", "  ")
	m := parseMetrics(h)
	require.Nil(t, m.AllocationRetries)
	require.Nil(t, m.NewAllocation)
	require.Nil(t, m.SessionGUID)
	require.Equal(t, 12*time.Millisecond, *m.PreparationTime)
	require.Equal(t, Metrics{}, parseMetrics(http.Header{}))
}

// FuzzParseMetrics proves header parsing never panics and never yields a
// negative duration, whatever the service sends. Its seeds run in every
// go test.
func FuzzParseMetrics(f *testing.F) {
	for _, seed := range []string{"5011", "5010.000000", "42m56.970311818s", "", "-1", "NaN", "1e308", "9223372036854775807", "true", "\x00", "1.7976931348623157e308ms", "99999999999h"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{}
		for _, name := range loggedHeaders() {
			h[name] = []string{v}
		}
		m := parseMetrics(h)
		for _, d := range []*time.Duration{m.ExecutionRequestTime, m.ExecutionReadResponseTime, m.TotalExecutionServiceTime,
			m.ContainerExecutionDuration, m.PreparationTime, m.AllocationTime, m.OverallExecutionTime} {
			if d != nil && *d < 0 {
				t.Fatalf("negative duration %v from %q", *d, v)
			}
		}
		if m.AllocationRetries != nil && *m.AllocationRetries < 0 {
			t.Fatalf("negative count from %q", v)
		}
	})
}
