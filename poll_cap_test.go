package azsessions_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// farRetryHints are answers that ask PollUntilDone to wait far longer than a
// poll of code should: a day, in each header azcore reads, an HTTP date a
// day ahead, and a number of seconds whose duration overflows int64.
func farRetryHints() map[string][]string {
	return map[string][]string{
		"Retry-After seconds":     {"Retry-After", "86400"},
		"Retry-After date":        {"Retry-After", time.Now().Add(24 * time.Hour).UTC().Format(http.TimeFormat)},
		"Retry-After overflow":    {"Retry-After", "9223372036854775807"},
		"Retry-After-Ms":          {"Retry-After-Ms", "86400000"},
		"X-Ms-Retry-After-Ms":     {"X-Ms-Retry-After-Ms", "86400000"},
		"ms zero, seconds far":    {"Retry-After-Ms", "0", "Retry-After", "86400"},
		"ms garbage, seconds far": {"Retry-After-Ms", "soon", "Retry-After", "86400"},
	}
}

// TestPollWaitIsCappedAtAMinute: a poll answer of a running execution that
// asks for a wait over 60 s carries Retry-After-Ms 60000, the header
// PollUntilDone reads first, so the poller polls again within a minute
// instead of waiting a day inside the caller's context.
func TestPollWaitIsCappedAtAMinute(t *testing.T) {
	for name, header := range farRetryHints() {
		t.Run(name, func(t *testing.T) {
			resp := firstPollOfRunning(t, header...)
			require.Equal(t, "60000", resp.Header.Get("Retry-After-Ms"))
		})
	}
}

// TestFirstAnswerWaitIsCappedAtAMinute: PollUntilDone waits what the first
// answer (BeginExecute's, or Execute's 202) asks before its first poll; a
// wait over 60 s is cut to 60 s there too. The first answer is the one
// policy.WithCaptureResponse captures.
func TestFirstAnswerWaitIsCappedAtAMinute(t *testing.T) {
	for name, header := range farRetryHints() {
		t.Run(name, func(t *testing.T) {
			c, _ := newRecordedClient(t, reply(http.StatusAccepted, []byte(`{"id":"e1","status":"Running"}`), append([]string{"Operation-Location", "executions/e1"}, header...)...), nil)
			var first *http.Response
			ctx := policy.WithCaptureResponse(context.Background(), &first)
			_, err := c.NewExecutionClient().BeginExecute(ctx, "s1", azsessions.NewCodeRequest("slow()"), nil)
			require.NoError(t, err)
			require.NotNil(t, first)
			require.Equal(t, "60000", first.Header.Get("Retry-After-Ms"))
		})
	}
}

// TestRetryAfterDateAzcoreIgnoresKeepsTheSchedule: azcore reads a
// Retry-After date in RFC 1123 form only; one in RFC 850 form is no hint to
// PollUntilDone, which would wait its default 30 s. The poller reads it the
// same way and gives its schedule's wait.
func TestRetryAfterDateAzcoreIgnoresKeepsTheSchedule(t *testing.T) {
	rfc850 := time.Now().Add(time.Hour).UTC().Format(time.RFC850)
	resp := firstPollOfRunning(t, "Retry-After", rfc850)
	require.Equal(t, "250", resp.Header.Get("Retry-After-Ms"))
}
