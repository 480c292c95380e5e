package azsessions_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// requireNamesExecution checks that err is an *ExecutionInterruptedError
// for execution opID in session s1 whose text names the id, and that it
// still wraps target.
func requireNamesExecution(t *testing.T, err error, opID string, target error) {
	t.Helper()
	var ie *azsessions.ExecutionInterruptedError
	require.True(t, errors.As(err, &ie), "want an *ExecutionInterruptedError, got %v", err)
	require.Equal(t, opID, ie.OperationID)
	require.Equal(t, "s1", ie.Identifier)
	require.Contains(t, err.Error(), opID)
	if target != nil {
		require.ErrorIs(t, err, target)
	}
	require.NotErrorIs(t, err, context.DeadlineExceeded)
}

// cutAnswer answers 200 with a Content-Length of 1000 bytes, sends only
// prefix, and drops the connection: the service answered, and the body was
// lost on the way.
func cutAnswer(prefix string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "1000")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, prefix)
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler)
	}
}

// TestExecuteErrorsAfterTheServiceAnsweredNameTheExecution: once the
// service has answered an execution, an error of Execute names its
// operation id, so that ExecutionClient.Get can fetch it: a first answer
// too large to read, cut off on the way or not an execution, and a poll that failed (a 500
// after azcore's retries, an answer too large). They lost the id.
func TestExecuteErrorsAfterTheServiceAnsweredNameTheExecution(t *testing.T) {
	opts := &azsessions.ExecutionClientExecuteOptions{OperationID: ptr("op-42")}
	cases := map[string]struct {
		handler http.HandlerFunc
		target  error
	}{
		"first answer too large": {endless(http.StatusOK, `{"id":"op-42","status":"Succeeded","result":{"stdout":"`), azsessions.ErrResponseTooLarge},
		"first answer not JSON":  {reply(http.StatusOK, []byte("<html></html>"), "Content-Type", "text/html"), azsessions.ErrInvalidResponse},
		"first answer cut":       {cutAnswer(`{"id":"op-42","status":"Succ`), io.ErrUnexpectedEOF},
		"poll failed":            {submittedThen(t, reply(http.StatusInternalServerError, []byte(`{"error":{"code":"InternalError"}}`))), nil},
		"poll answer too large":  {submittedThen(t, endless(http.StatusOK, `{"id":"op-42","status":"Succeeded","result":{"stdout":"`)), azsessions.ErrResponseTooLarge},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c, _ := newRecordedClient(t, tc.handler, nil)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // hang guard
			defer cancel()
			_, err := c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("1"), opts)
			requireNamesExecution(t, err, "op-42", tc.target)
			if name == "poll failed" {
				var re *azcore.ResponseError
				require.True(t, errors.As(err, &re), "the poll's ResponseError is kept: %v", err)
				require.Equal(t, http.StatusInternalServerError, re.StatusCode)
			}
		})
	}
}

// TestBeginExecuteFirstAnswerTooLargeNamesTheExecution: BeginExecute's
// first answer too large to read is an *ExecutionInterruptedError naming
// the operation id the SDK generated.
func TestBeginExecuteFirstAnswerTooLargeNamesTheExecution(t *testing.T) {
	c, srv := newRecordedClient(t, endless(http.StatusOK, `{"status":"Running","x":"`), nil)
	_, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("1"), nil)
	requireNamesExecution(t, err, srv.last(t).Header.Get("operation-id"), azsessions.ErrResponseTooLarge)
}

// TestPollAndGetTooLargeNameTheExecution: ErrResponseTooLarge from a
// BeginExecute poller's poll and from ExecutionClient.Get says which
// execution it was (the id the service answered with).
func TestPollAndGetTooLargeNameTheExecution(t *testing.T) {
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			reply(http.StatusAccepted, []byte(`{"id":"op-43","status":"Running"}`), "Operation-Location", "executions/op-43")(w, r)
			return
		}
		endless(http.StatusOK, `{"status":"Running","x":"`)(w, r)
	}, nil)
	exec := c.NewExecutionClient()
	poller, err := exec.BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("1"), nil)
	require.NoError(t, err)
	_, err = poller.Poll(context.Background())
	require.ErrorIs(t, err, azsessions.ErrResponseTooLarge)
	require.Contains(t, err.Error(), "op-43")

	_, err = exec.Get(context.Background(), "s1", "op-44", nil)
	require.ErrorIs(t, err, azsessions.ErrResponseTooLarge)
	require.Contains(t, err.Error(), "op-44")
}
