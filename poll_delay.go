package azsessions

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// pollDelay is the wait after the n-th poll (from 1) of an execution still
// running when the service sent no Retry-After. Code often runs for less
// than a second, so the first six polls come 250 ms apart (about 1.5 s);
// then 500 ms, 1 s and 2 s apart for three polls each (about 10.5 s in
// all); then every 4 s, under 2% of the service's 220 s limit in requests.
func pollDelay(n int) time.Duration {
	switch {
	case n <= 6:
		return 250 * time.Millisecond
	case n <= 9:
		return 500 * time.Millisecond
	case n <= 12:
		return time.Second
	case n <= 15:
		return 2 * time.Second
	}
	return 4 * time.Second
}

// maxPollDelay is the longest PollUntilDone waits between polls of an
// execution (and before the first) when the service, or a proxy, asks for
// longer: azcore's poller honours any Retry-After, so a "Retry-After:
// 86400" would hold Execute for a day within the caller's context. 60 s is
// azcore's default MaxRetryDelay, past which its retry policy gives up
// rather than wait; a poll cannot give up (the execution runs on), and a
// GET polled early costs one request. The service stops any execution
// after 220 s.
const maxPollDelay = 60 * time.Second

// headerRetryAfterMS is the header azcore's PollUntilDone reads first to
// know when to poll next.
const headerRetryAfterMS = "Retry-After-Ms"

// retryHint is the wait PollUntilDone reads from h, as azcore reads it:
// the first of Retry-After-Ms, X-Ms-Retry-After-Ms (milliseconds) and
// Retry-After (seconds, or an RFC 1123 date) that gives a wait above 0; 0
// when none does. A number of seconds too large for a time.Duration gives
// the largest one (azcore's own product would wrap around).
func retryHint(h http.Header) time.Duration {
	for _, hdr := range [...]struct {
		name string
		unit time.Duration
	}{{headerRetryAfterMS, time.Millisecond}, {"X-Ms-Retry-After-Ms", time.Millisecond}, {"Retry-After", time.Second}} {
		v := h.Get(hdr.name)
		if v == "" {
			continue
		}
		if n, _ := strconv.Atoi(v); n > 0 {
			if int64(n) > math.MaxInt64/int64(hdr.unit) {
				return math.MaxInt64
			}
			return time.Duration(n) * hdr.unit
		}
		if hdr.name == "Retry-After" {
			if t, err := time.Parse(time.RFC1123, v); err == nil {
				if d := time.Until(t); d > 0 {
					return d
				}
			}
		}
	}
	return 0
}

// capRetryHint makes PollUntilDone wait maxPollDelay after the answer
// whose header is h: Retry-After-Ms is the header it reads first.
func capRetryHint(h http.Header) { setRetryHint(h, maxPollDelay) }

// setRetryHint makes PollUntilDone wait d after the answer whose header is
// h.
func setRetryHint(h http.Header, d time.Duration) {
	h.Set(headerRetryAfterMS, strconv.FormatInt(retryAfterMS(d), 10))
}

// retryAfterMS is d in whole milliseconds, rounded up: PollUntilDone takes
// a Retry-After-Ms of 0 as no hint and would wait its default of 30 s.
func retryAfterMS(d time.Duration) int64 {
	ms := int64(d / time.Millisecond)
	if d%time.Millisecond != 0 {
		ms++
	}
	return ms
}
