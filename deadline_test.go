package azsessions_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// sentTimeout is the timeoutInSeconds of an execution body, or -1.
func sentTimeout(t *testing.T, body []byte) int {
	t.Helper()
	var b struct {
		TimeoutInSeconds *int `json:"timeoutInSeconds"`
	}
	require.NoError(t, json.Unmarshal(body, &b))
	if b.TimeoutInSeconds == nil {
		return -1
	}
	return *b.TimeoutInSeconds
}

// TestExecuteSendsTheDeadline checks that the time ctx has left reaches the
// service as timeoutInSeconds when the request sets none.
func TestExecuteSendsTheDeadline(t *testing.T) {
	for name, tc := range map[string]struct {
		timeout  time.Duration // 0: no deadline
		set      *int32
		min, max int
	}{
		"no deadline":             {0, nil, -1, -1},
		"90 s left":               {90 * time.Second, nil, 80, 89},
		"10 min left, capped":     {10 * time.Minute, nil, 220, 220},
		"under a second left":     {900 * time.Millisecond, nil, 1, 1},
		"caller's timeout stands": {90 * time.Second, ptr[int32](30), 30, 30},
	} {
		t.Run(name, func(t *testing.T) {
			c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json")), nil)
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			req := azsessions.NewCodeRequest("x")
			req.TimeoutInSeconds = tc.set
			_, err := c.NewExecutionClient().Execute(ctx, "s1", req, nil)
			if errors.Is(err, context.DeadlineExceeded) && tc.timeout < time.Second {
				t.Skip("the machine is too slow for a 900 ms deadline")
			}
			require.NoError(t, err)
			got := sentTimeout(t, srv.last(t).Body)
			require.GreaterOrEqual(t, got, tc.min)
			require.LessOrEqual(t, got, tc.max)
			require.Equal(t, tc.set, req.TimeoutInSeconds, "the caller's request is not changed")
		})
	}
}

// interruptingService holds the answer to POST /executions until the client
// goes away (sync) or answers 202 and then Running to every poll (async);
// GET ?result=1 returns the finished execution, as a later Get would see it.
func interruptingService(async bool, arrived chan<- struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Query().Get("identifier") == "later":
			reply(http.StatusOK, []byte(`{"id":"op-42","status":"Succeeded","result":{"stdout":"late\n"}}`))(w, r)
		case r.Method == http.MethodGet:
			select {
			case arrived <- struct{}{}:
			default:
			}
			reply(http.StatusOK, []byte(`{"id":"op-42","status":"Running"}`))(w, r)
		case async:
			w.Header().Set("Operation-Location", "executions/op-42")
			reply(http.StatusAccepted, []byte(`{"id":"op-42","status":"Running"}`))(w, r)
		default:
			select {
			case arrived <- struct{}{}:
			default:
			}
			<-r.Context().Done()
			// The answer is lost. Returning would send a 200 with no
			// body, which net/http's client takes when it races the
			// client's own close of the connection (a close_notify reaches
			// the server first).
			panic(http.ErrAbortHandler)
		}
	}
}

// TestExecuteInterruptedGivesTheOperationID lets the context end while the
// service holds the answer, and while Execute polls an execution the
// service answered with 202: the error wraps ctx.Err(), names the operation
// id, and gives it through errors.As, with which Get fetches the result.
func TestExecuteInterruptedGivesTheOperationID(t *testing.T) {
	noRetry := &azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: -1}}}
	for _, async := range []bool{false, true} {
		for _, cause := range []error{context.DeadlineExceeded, context.Canceled} {
			t.Run(fmt.Sprintf("async=%v/%v", async, cause), func(t *testing.T) {
				arrived := make(chan struct{}, 1)
				c, srv := newRecordedClient(t, interruptingService(async, arrived), noRetry)
				var ctx context.Context
				var cancel context.CancelFunc
				if cause == context.DeadlineExceeded {
					// Whenever it strikes, before or after the request
					// reached the service, the error is the same.
					ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
				} else {
					ctx, cancel = context.WithCancel(context.Background())
					go func() {
						<-arrived // the service has the request (or a poll)
						cancel()
					}()
				}
				defer cancel()
				exec := c.NewExecutionClient()
				_, err := exec.Execute(ctx, "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientExecuteOptions{OperationID: ptr("op-42")})
				require.ErrorIs(t, err, cause)
				require.Contains(t, err.Error(), "op-42")
				var ie *azsessions.ExecutionInterruptedError
				require.True(t, errors.As(err, &ie), "want an *ExecutionInterruptedError, got %T: %v", err, err)
				require.Equal(t, "op-42", ie.OperationID)
				require.Equal(t, "s1", ie.Identifier)
				if reqs := srv.requests(); len(reqs) > 0 {
					require.Equal(t, "op-42", reqs[0].Header.Get("operation-id"))
				}

				// The result is reachable from what the error gave.
				got, err := exec.Get(context.Background(), "later", ie.OperationID, nil)
				require.NoError(t, err)
				require.Equal(t, "late\n", *got.Result.Stdout)
			})
		}
	}
}

// TestBeginExecuteInterruptedGivesTheOperationID: the start of an
// asynchronous execution whose answer is lost says the operation id too.
func TestBeginExecuteInterruptedGivesTheOperationID(t *testing.T) {
	arrived := make(chan struct{}, 1)
	c, _ := newRecordedClient(t, interruptingService(false, arrived), &azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: -1}}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-arrived
		cancel()
	}()
	_, err := c.NewExecutionClient().BeginExecute(ctx, "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientBeginExecuteOptions{OperationID: ptr("op-42")})
	require.ErrorIs(t, err, context.Canceled)
	var ie *azsessions.ExecutionInterruptedError
	require.True(t, errors.As(err, &ie), "%v", err)
	require.Equal(t, "op-42", ie.OperationID)
}

// TestExecuteOtherErrorsAreNotInterruptions: an HTTP failure while ctx is
// alive is returned as before, an *azcore.ResponseError (a lost answer is
// an interruption: TestExecuteLostAnswerGivesTheOperationID).
func TestExecuteOtherErrorsAreNotInterruptions(t *testing.T) {
	c, _ := newRecordedClient(t, reply(http.StatusInternalServerError, []byte(`{"error":{"code":"Boom"}}`)), nil)
	_, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	var ie *azsessions.ExecutionInterruptedError
	require.False(t, errors.As(err, &ie))
	var re *azcore.ResponseError
	require.True(t, errors.As(err, &re))
}

// TestExecuteTryTimeoutIsAnInterruption sets ClientOptions.Retry.TryTimeout,
// which the README offers as a hang guard, shorter than the service holds
// the answer: the try ends while the code may be running, so the error is
// an *ExecutionInterruptedError with the operation id, the execution is not
// sent again, and the timeoutInSeconds sent is the try's, not the longer
// time ctx has left.
func TestExecuteTryTimeoutIsAnInterruption(t *testing.T) {
	opts := &azsessions.ClientOptions{}
	opts.Retry.TryTimeout = 2 * time.Second
	c, srv := newRecordedClient(t, interruptingService(false, make(chan struct{}, 1)), opts)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	exec := c.NewExecutionClient()
	_, err := exec.Execute(ctx, "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientExecuteOptions{OperationID: ptr("op-42")})
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var ie *azsessions.ExecutionInterruptedError
	require.True(t, errors.As(err, &ie), "want an *ExecutionInterruptedError, got %T: %v", err, err)
	require.Equal(t, "op-42", ie.OperationID)
	require.Equal(t, "s1", ie.Identifier)
	reqs := srv.requests()
	require.Len(t, reqs, 1, "the execution is not sent again")
	require.LessOrEqual(t, sentTimeout(t, reqs[0].Body), 2, "the service is told to stop when the try ends")
	require.GreaterOrEqual(t, sentTimeout(t, reqs[0].Body), 1)

	_, err = exec.BeginExecute(ctx, "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientBeginExecuteOptions{OperationID: ptr("op-43")})
	require.True(t, errors.As(err, &ie), "BeginExecute: want an *ExecutionInterruptedError, got %T: %v", err, err)
	require.Equal(t, "op-43", ie.OperationID)
}

// deadlineBeforeSending is a policy that fails every try with an error
// wrapping context.DeadlineExceeded before the request is sent, as a
// credential whose own token request timed out does.
type deadlineBeforeSending struct{}

func (deadlineBeforeSending) Do(*policy.Request) (*http.Response, error) {
	return nil, fmt.Errorf("token request: %w", context.DeadlineExceeded)
}

// TestExecuteDeadlineBeforeSendingIsNotAnInterruption: without
// ClientOptions.Retry.TryTimeout, and with ctx alive, a deadline error
// from inside the pipeline means the execution was never sent; it is
// returned as it is, not as an *ExecutionInterruptedError naming an
// execution that does not exist.
func TestExecuteDeadlineBeforeSendingIsNotAnInterruption(t *testing.T) {
	opts := &azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{PerRetryPolicies: []policy.Policy{deadlineBeforeSending{}}}}
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json")), opts)
	exec := c.NewExecutionClient()
	_, err := exec.Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var ie *azsessions.ExecutionInterruptedError
	require.False(t, errors.As(err, &ie), "Execute: nothing was sent, yet got an interruption: %v", err)
	_, err = exec.BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.False(t, errors.As(err, &ie), "BeginExecute: nothing was sent, yet got an interruption: %v", err)
	require.Empty(t, srv.requests())
}

// TestExecuteTryTimeoutLeavesTheServiceTimeToAnswer: a TryTimeout of whole
// seconds is sent as a second less, so that the service stops the code,
// and its answer can come back, before the try ends. Sent as it was, the
// service's answer to code it stopped at its timeout always came after the
// try had ended (the try's clock starts before the service's), and the
// caller got an interruption instead of the result. A context's deadline
// already left a fraction of a second (90 s left is sent as 89).
func TestExecuteTryTimeoutLeavesTheServiceTimeToAnswer(t *testing.T) {
	opts := &azsessions.ClientOptions{}
	opts.Retry.TryTimeout = time.Minute
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json")), opts)
	_, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	// 59 unless the try spent a second before it was sent: since 97f5c14
	// the time left is taken when the try is sent (after its token).
	sent := sentTimeout(t, srv.last(t).Body)
	require.LessOrEqual(t, sent, 59)
	require.GreaterOrEqual(t, sent, 50)
}

// blockedCredential waits for its caller's context to end, as a
// credential does whose token endpoint never answers, and fails with the
// context's error.
type blockedCredential struct{}

func (blockedCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	<-ctx.Done()
	return azcore.AccessToken{}, fmt.Errorf("token request: %w", ctx.Err())
}

// TestExecuteTokenTryTimeoutIsNotAnInterruption: with
// ClientOptions.Retry.TryTimeout set, a try that ends while the credential
// fetches its token has sent nothing; the error is the token's failure,
// not an *ExecutionInterruptedError naming an execution that never
// existed (whose Get would find nothing).
func TestExecuteTokenTryTimeoutIsNotAnInterruption(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("nothing should be sent, got %s %s", r.Method, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	opts := &azsessions.ClientOptions{}
	opts.Transport = srv.Client()
	opts.Retry.TryTimeout = 50 * time.Millisecond
	opts.Retry.MaxRetries = -1
	c, err := azsessions.NewClient(srv.URL+poolPath, blockedCredential{}, opts)
	require.NoError(t, err)
	exec := c.NewExecutionClient()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // hang guard
	defer cancel()
	_, err = exec.Execute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "token request")
	var ie *azsessions.ExecutionInterruptedError
	require.False(t, errors.As(err, &ie), "Execute: nothing was sent, yet got an interruption: %v", err)
	_, err = exec.BeginExecute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.False(t, errors.As(err, &ie), "BeginExecute: nothing was sent, yet got an interruption: %v", err)
}

// TestExecuteRetryResendsTheTimeLeft: the service answers 429 with a
// Retry-After of 1.1 s; the retry's timeoutInSeconds is the time ctx has
// left then, at least a second less than the first try's, so that the
// service does not run the code past the caller's deadline. It was
// computed once per call and sent again unchanged.
func TestExecuteRetryResendsTheTimeLeft(t *testing.T) {
	var tries atomic.Int32
	h := func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) == 1 {
			reply(http.StatusTooManyRequests, nil, "Retry-After-Ms", "1100")(w, r)
			return
		}
		reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json"))(w, r)
	}
	opts := &azsessions.ClientOptions{}
	opts.Retry.RetryDelay = time.Millisecond
	opts.Retry.MaxRetryDelay = time.Minute
	c, srv := newRecordedClient(t, h, opts)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Second)
	defer cancel()
	_, err := c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	reqs := srv.requests()
	require.Len(t, reqs, 2)
	first, second := sentTimeout(t, reqs[0].Body), sentTimeout(t, reqs[1].Body)
	require.Greater(t, first, 0)
	require.LessOrEqual(t, second, first-1, "the retry, at least 1.1 s later, sends the time left then")
	require.GreaterOrEqual(t, second, 1)
}
