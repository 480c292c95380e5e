package azsessions_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// firstDialFails returns a client of srv's whose first connection is
// broken by fail (given the dial's context) before any request is
// written on it; later connections reach srv. net/http goes on dialling
// after the request has given up: the test's end cancels that dial.
func firstDialFails(t *testing.T, srv *recordingServer, fail func(ctx context.Context) (net.Conn, error)) *http.Client {
	var dials atomic.Int32
	transport := srv.Client().Transport.(*http.Transport).Clone()
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return fail(ctx)
		}
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}
	t.Cleanup(transport.CloseIdleConnections)
	return &http.Client{Transport: transport}
}

// TestEndingCallsReportWhatWasNeverThereAfterAFailedHandshake: the first
// try's TLS handshake fails (the connection closes at once), so nothing
// was sent; azcore's retry then hears that there is no such session or
// file. That is an error as on a first try: no try can have ended them.
// The failed handshake counted as a lost answer, and the call succeeded.
func TestEndingCallsReportWhatWasNeverThereAfterAFailedHandshake(t *testing.T) {
	for name, tc := range endingCalls {
		t.Run(name, func(t *testing.T) {
			_, srv := newRecordedClient(t, tc.gone(t), nil)
			opts := &azsessions.ClientOptions{}
			opts.Retry.RetryDelay = time.Millisecond
			opts.Transport = firstDialFails(t, srv, func(context.Context) (net.Conn, error) {
				client, server := net.Pipe()
				server.Close()
				return client, nil
			})
			c, err := azsessions.NewClient(srv.URL+poolPath, &scopeCredential{}, opts)
			require.NoError(t, err)
			err = tc.call(c)
			require.Error(t, err, "nothing reached the service before the not-found answer")
			require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionWithIdentifierNotFound) || isStatus(err, http.StatusNotFound), "%v", err)
			require.Len(t, srv.requests(), 1, "the failed handshake was retried once")
		})
	}
}

// TestExecuteTryTimeoutWhileConnectingIsNotAnInterruption: a try whose
// TryTimeout passes while the connection is made has sent nothing; the
// error is the deadline, not an *ExecutionInterruptedError naming an
// execution the service never saw.
func TestExecuteTryTimeoutWhileConnectingIsNotAnInterruption(t *testing.T) {
	_, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json")), nil)
	opts := &azsessions.ClientOptions{}
	opts.Retry.TryTimeout = 100 * time.Millisecond
	opts.Transport = firstDialFails(t, srv, func(ctx context.Context) (net.Conn, error) {
		<-ctx.Done() // a dial that gets no answer
		return nil, ctx.Err()
	})
	c, err := azsessions.NewClient(srv.URL+poolPath, &scopeCredential{}, opts)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // hang guard
	defer cancel()
	_, err = c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var ie *azsessions.ExecutionInterruptedError
	require.False(t, errors.As(err, &ie), "nothing was sent, yet got an interruption: %v", err)
	require.Empty(t, srv.requests())
}

// TestExecuteRetriesAFailedDial: a try whose connection could not be made
// (refused, a name that did not resolve) sent nothing, so the code cannot
// have run: Execute and BeginExecute retry it under the caller's retry
// options, as every other call does. They failed at once, while a try
// that may have reached the service is still never sent again.
func TestExecuteRetriesAFailedDial(t *testing.T) {
	for _, async := range []bool{false, true} {
		h, _ := asyncService(t, func(*http.Request) string { return "executions/testExecutionId" }, testdata(t, "executions/async_completed.json"))
		if !async {
			h = reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json"))
		}
		_, srv := newRecordedClient(t, h, nil)
		opts := &azsessions.ClientOptions{}
		opts.Retry.RetryDelay = time.Millisecond
		opts.Transport = firstDialFails(t, srv, func(context.Context) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
		})
		c, err := azsessions.NewClient(srv.URL+poolPath, &scopeCredential{}, opts)
		require.NoError(t, err)
		exec := c.NewExecutionClient()
		if async {
			poller, err := exec.BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
			require.NoError(t, err)
			_, err = poller.PollUntilDone(context.Background(), fastPolling)
			require.NoError(t, err)
		} else {
			_, err = exec.Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
			require.NoError(t, err)
		}
		require.Equal(t, http.MethodPost, srv.requests()[0].Method)
		posts := 0
		for _, r := range srv.requests() {
			if r.Method == http.MethodPost {
				posts++
			}
		}
		require.Equal(t, 1, posts, "the code ran once")
	}
}
