package azsessions_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// firstAnswerLost serves the first request with first and drops its
// answer (the connection closes, as on a network failure after the service
// acted); later requests get then.
func firstAnswerLost(first, then http.HandlerFunc) http.HandlerFunc {
	var tries atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) == 1 {
			first(w, r)
			panic(http.ErrAbortHandler)
		}
		then(w, r)
	}
}

// endingCalls are the calls that end something (a session, a file), each
// with the answer the service gives when that thing is already gone.
var endingCalls = map[string]struct {
	gone func(t *testing.T) http.HandlerFunc
	call func(*azsessions.Client) error
}{
	"SessionsClient.Stop": {
		gone: func(t *testing.T) http.HandlerFunc {
			return reply(http.StatusBadRequest, testdata(t, "errors/bare.json"), "x-ms-error-code", "SessionWithIdentifierNotFound")
		},
		call: func(c *azsessions.Client) error {
			_, err := c.NewSessionsClient().Stop(context.Background(), "s1", nil)
			return err
		},
	},
	"SessionsClient.Delete": {
		gone: func(*testing.T) http.HandlerFunc { return reply(http.StatusNotFound, nil) },
		call: func(c *azsessions.Client) error {
			_, err := c.NewSessionsClient().Delete(context.Background(), "s1", nil)
			return err
		},
	},
	"FilesClient.Delete": {
		gone: func(*testing.T) http.HandlerFunc { return reply(http.StatusNotFound, nil) },
		call: func(c *azsessions.Client) error {
			_, err := c.NewFilesClient().Delete(context.Background(), "s1", "a.txt", nil)
			return err
		},
	},
}

// TestEndingCallsSurviveALostAnswer: the service ended the session (or
// deleted the file) but its answer was lost; azcore's retry then hears
// that there is no such session or file. The caller asked for it to be
// gone, and it is: the call succeeds instead of failing with a not-found
// error about its own success.
func TestEndingCallsSurviveALostAnswer(t *testing.T) {
	for name, tc := range endingCalls {
		t.Run(name, func(t *testing.T) {
			c, srv := newRecordedClient(t, firstAnswerLost(reply(http.StatusOK, nil), tc.gone(t)), nil)
			require.NoError(t, tc.call(c))
			require.Len(t, srv.requests(), 2, "the lost answer was retried once")
		})
	}
}

// TestEndingCallsReportWhatWasNeverThere: a not-found answer is still an
// error when no earlier try can have ended the session or file: on the
// first try, and after answers that say the request was not acted on (429
// and 503, a 4xx).
func TestEndingCallsReportWhatWasNeverThere(t *testing.T) {
	for name, tc := range endingCalls {
		for _, before := range []int{0, http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusRequestTimeout} {
			t.Run(name+"/"+http.StatusText(before), func(t *testing.T) {
				h := tc.gone(t)
				if before != 0 {
					var tries atomic.Int32
					gone := h
					h = func(w http.ResponseWriter, r *http.Request) {
						if tries.Add(1) == 1 {
							reply(before, nil)(w, r)
							return
						}
						gone(w, r)
					}
				}
				c, _ := newRecordedClient(t, h, nil)
				err := tc.call(c)
				require.Error(t, err)
				require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionWithIdentifierNotFound) || isStatus(err, http.StatusNotFound), "%v", err)
			})
		}
	}
}

// isStatus tells whether err is an *azcore.ResponseError with this status.
func isStatus(err error, status int) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == status
}

// TestEndingCallsSurviveAServerError: a 5xx other than 503 may follow the
// work done (the service ended the session, then failed), and azcore
// retries it; a retry that finds the session or file gone succeeds, as
// after a lost answer.
func TestEndingCallsSurviveAServerError(t *testing.T) {
	for name, tc := range endingCalls {
		for _, first := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout} {
			t.Run(name+"/"+http.StatusText(first), func(t *testing.T) {
				var tries atomic.Int32
				gone := tc.gone(t)
				c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
					if tries.Add(1) == 1 {
						reply(first, nil)(w, r)
						return
					}
					gone(w, r)
				}, nil)
				require.NoError(t, tc.call(c))
				require.Len(t, srv.requests(), 2, "the server error was retried once")
			})
		}
	}
}

// TestExecuteLostAnswerGivesTheOperationID: the service has the request,
// and the connection closes before the answer's status comes back. The
// code may be running, and is not sent again; the error is an
// *ExecutionInterruptedError naming the operation id the SDK sent, with
// which Get finds the execution, for Execute and BeginExecute alike. It was
// net/http's error alone unless ClientOptions.Retry.TryTimeout was set.
func TestExecuteLostAnswerGivesTheOperationID(t *testing.T) {
	for _, async := range []bool{false, true} {
		c, srv := newRecordedClient(t, func(http.ResponseWriter, *http.Request) {
			panic(http.ErrAbortHandler)
		}, nil)
		exec := c.NewExecutionClient()
		var err error
		if async {
			_, err = exec.BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientBeginExecuteOptions{OperationID: ptr("op-42")})
		} else {
			_, err = exec.Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientExecuteOptions{OperationID: ptr("op-42")})
		}
		var ie *azsessions.ExecutionInterruptedError
		require.True(t, errors.As(err, &ie), "async=%v: want an *ExecutionInterruptedError, got %T: %v", async, err, err)
		require.Equal(t, "op-42", ie.OperationID)
		require.Equal(t, "s1", ie.Identifier)
		require.Len(t, srv.requests(), 1, "the execution is not sent again")
	}
}

// TestExecuteUnsentIsNotAnInterruption: a dial that every try fails sent
// nothing, so no execution exists; the error is the dial's, not an
// *ExecutionInterruptedError naming an execution Get would not find.
func TestExecuteUnsentIsNotAnInterruption(t *testing.T) {
	_, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json")), nil)
	transport := srv.Client().Transport.(*http.Transport).Clone()
	transport.DialContext = func(context.Context, string, string) (net.Conn, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	}
	opts := &azsessions.ClientOptions{}
	opts.Transport = &http.Client{Transport: transport}
	opts.Retry.MaxRetries = -1
	c, err := azsessions.NewClient(srv.URL+poolPath, &scopeCredential{}, opts)
	require.NoError(t, err)
	exec := c.NewExecutionClient()
	_, err = exec.Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.ErrorIs(t, err, syscall.ECONNREFUSED)
	var ie *azsessions.ExecutionInterruptedError
	require.False(t, errors.As(err, &ie), "Execute: nothing was sent, yet got an interruption: %v", err)
	_, err = exec.BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.ErrorIs(t, err, syscall.ECONNREFUSED)
	require.False(t, errors.As(err, &ie), "BeginExecute: nothing was sent, yet got an interruption: %v", err)
	require.Empty(t, srv.requests())
}
