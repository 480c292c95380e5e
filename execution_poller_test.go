package azsessions_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

var fastPolling = &runtime.PollUntilDoneOptions{Frequency: 5 * time.Millisecond}

// asyncService answers the submit with 202 Running and location, then
// Running twice, then the completed execution.
func asyncService(t *testing.T, location func(r *http.Request) string, completed []byte) (http.HandlerFunc, *atomic.Int32) {
	var polls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("operation-id", "testExecutionId")
			if loc := location(r); loc != "" {
				w.Header().Set("Operation-Location", loc)
			}
			reply(http.StatusAccepted, testdata(t, "executions/async_not_started.json"))(w, r)
			return
		}
		if polls.Add(1) < 3 {
			reply(http.StatusOK, testdata(t, "executions/async_running.json"))(w, r)
			return
		}
		reply(http.StatusOK, completed)(w, r)
	}, &polls
}

// submittedThen answers the submit with 202 Running at executions/e1 and
// every poll with poll.
func submittedThen(t *testing.T, poll http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Operation-Location", "executions/e1")
			reply(http.StatusAccepted, testdata(t, "executions/async_running.json"))(w, r)
			return
		}
		poll(w, r)
	}
}

func TestBeginExecuteFollowsOperationLocation(t *testing.T) {
	for name, location := range map[string]func(r *http.Request) string{
		"relative to pool": func(r *http.Request) string {
			return "executions/testExecutionId?api-version=2025-10-02-preview&identifier=s1"
		},
		"root relative": func(r *http.Request) string {
			return "/executions/testExecutionId?api-version=2025-10-02-preview&identifier=s1"
		},
		"absolute": func(r *http.Request) string {
			return "https://" + r.Host + poolPath + "/executions/testExecutionId?api-version=2025-10-02-preview&identifier=s1"
		},
		"absent: built from the id": func(r *http.Request) string { return "" },
	} {
		t.Run(name, func(t *testing.T) {
			h, polls := asyncService(t, location, testdata(t, "executions/async_completed.json"))
			c, srv := newRecordedClient(t, h, nil)
			poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("slow()"), nil)
			require.NoError(t, err)
			require.False(t, poller.Done())
			resp, err := poller.PollUntilDone(context.Background(), fastPolling)
			require.NoError(t, err)
			require.Equal(t, int32(3), polls.Load())
			require.True(t, resp.Succeeded())
			require.Equal(t, "done\n", *resp.Result.Stdout)

			reqs := srv.requests()
			require.JSONEq(t, `{"codeInputType":"Inline","executionType":"Asynchronous","code":"slow()"}`, string(reqs[0].Body))
			for _, r := range reqs[1:] {
				require.Equal(t, http.MethodGet, r.Method)
				require.Equal(t, "/executions/testExecutionId", r.Path)
				require.Equal(t, "s1", r.Query["identifier"][0])
				require.NotEmpty(t, r.Query["api-version"])
				require.Equal(t, "Bearer test-token", r.Header.Get("Authorization"))
			}
		})
	}
}

// A first answer that has ended is the result, without a poll; one that
// carries the result without a status has ended too, as Execute takes it,
// rather than failing for want of a URL to poll.
func TestBeginExecuteThatFinishedAtOnce(t *testing.T) {
	for _, body := range [][]byte{testdata(t, "executions/sync_succeeded.json"), []byte(`{"result":{"stdout":"63\n"}}`)} {
		requireResultAtOnce(t, reply(http.StatusOK, body), string(body))
	}
}

// requireResultAtOnce checks that BeginExecute, answered by h, has its
// result (stdout "63\n") at once: its poller is done, and waiting on it
// sends no request.
func requireResultAtOnce(t *testing.T, h http.HandlerFunc, what string) {
	t.Helper()
	c, srv := newRecordedClient(t, h, nil)
	poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err, what)
	require.True(t, poller.Done(), what)
	resp, err := poller.PollUntilDone(context.Background(), fastPolling)
	require.NoError(t, err, what)
	require.Equal(t, "63\n", *resp.Result.Stdout, what)
	require.Len(t, srv.requests(), 1, what)
}

func TestBeginExecuteShellExitCodeEndsPolling(t *testing.T) {
	h, _ := asyncService(t, func(*http.Request) string { return "executions/testExecutionId" }, testdata(t, "executions/shell_exit2_no_type.json"))
	c, _ := newRecordedClient(t, h, nil)
	poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewShellRequest("ls nope"), nil)
	require.NoError(t, err)
	resp, err := poller.PollUntilDone(context.Background(), fastPolling)
	require.NoError(t, err, "a failed command is a result, not an error")
	require.Equal(t, 2, *resp.ExitCode)
	require.Equal(t, azsessions.ExecutionFailureExitCode, resp.Failure())
}

// TestBeginExecuteRefusesForeignOperationLocation: an Operation-Location on
// another host, or one that is no URL, is not polled; the service has
// started the execution all the same, so the error is an
// *ExecutionInterruptedError naming its operation id, as Execute's is, with
// which Get fetches the result. It was ErrUntrustedURL alone, or url.Parse's
// error, and the id was lost.
func TestBeginExecuteRefusesForeignOperationLocation(t *testing.T) {
	for name, loc := range map[string]string{
		"another host": "https://attacker.example.com/steal",
		"not a URL":    "executions/%zz",
	} {
		t.Run(name, func(t *testing.T) {
			h, _ := asyncService(t, func(*http.Request) string { return loc }, nil)
			c, srv := newRecordedClient(t, h, nil)
			_, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientBeginExecuteOptions{OperationID: ptr("op-42")})
			require.ErrorIs(t, err, azsessions.ErrUntrustedURL)
			var ie *azsessions.ExecutionInterruptedError
			require.True(t, errors.As(err, &ie), "want an *ExecutionInterruptedError, got %T: %v", err, err)
			require.Equal(t, "op-42", ie.OperationID)
			require.Equal(t, "s1", ie.Identifier)
			require.Len(t, srv.requests(), 1)

			_, err = c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientExecuteOptions{OperationID: ptr("op-43")})
			require.ErrorIs(t, err, azsessions.ErrUntrustedURL)
			require.True(t, errors.As(err, &ie), "Execute: want an *ExecutionInterruptedError, got %T: %v", err, err)
			require.Equal(t, "op-43", ie.OperationID)
			require.Len(t, srv.requests(), 2, "nothing is polled")
		})
	}
}

func TestBeginExecuteRootRelativeLocationInOtherCasing(t *testing.T) {
	// Azure paths are case-insensitive and services send them back in any
	// casing: the pool path must not be put in front a second time.
	lower := strings.ToLower(poolPath) + "/executions/testExecutionId"
	h, _ := asyncService(t, func(*http.Request) string { return lower }, testdata(t, "executions/async_completed.json"))
	c, srv := newRecordedClient(t, h, nil)
	poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("slow()"), nil)
	require.NoError(t, err)
	_, err = poller.PollUntilDone(context.Background(), fastPolling)
	require.NoError(t, err)
	for _, r := range srv.requests()[1:] {
		require.Equal(t, lower, r.RawPath)
	}
}

func TestBeginExecuteResumeToken(t *testing.T) {
	h, polls := asyncService(t, func(*http.Request) string { return "executions/testExecutionId" }, testdata(t, "executions/async_completed.json"))
	c, srv := newRecordedClient(t, h, nil)
	exec := c.NewExecutionClient()
	poller, err := exec.BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	token, err := poller.ResumeToken()
	require.NoError(t, err)

	resumed, err := exec.BeginExecute(context.Background(), "ignored", azsessions.ExecutionRequest{}, &azsessions.ExecutionClientBeginExecuteOptions{ResumeToken: token})
	require.NoError(t, err)
	resp, err := resumed.PollUntilDone(context.Background(), fastPolling)
	require.NoError(t, err)
	require.Equal(t, "42", resp.Result.Text())
	require.Equal(t, int32(3), polls.Load())
	posts := 0
	for _, r := range srv.requests() {
		if r.Method == http.MethodPost {
			posts++
		}
	}
	require.Equal(t, 1, posts, "resuming never runs the code again")
}

func TestBeginExecuteRefusesAResumeTokenOfAnotherHost(t *testing.T) {
	// A token made by a client of one pool, given to a client of another:
	// polling it would send the second client's token to the first host.
	h, polls := asyncService(t, func(*http.Request) string { return "executions/testExecutionId" }, testdata(t, "executions/async_completed.json"))
	issuer, _ := newRecordedClient(t, h, nil)
	poller, err := issuer.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	token, err := poller.ResumeToken()
	require.NoError(t, err)

	other, otherSrv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/async_completed.json")), nil)
	_, err = other.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.ExecutionRequest{}, &azsessions.ExecutionClientBeginExecuteOptions{ResumeToken: token})
	require.ErrorIs(t, err, azsessions.ErrUntrustedURL)
	require.Zero(t, polls.Load(), "the issuing host got no poll")
	require.Empty(t, otherSrv.requests())
}

func TestBeginExecuteCancelStopsPollingOnly(t *testing.T) {
	var polls atomic.Int32
	secondPoll := make(chan struct{})
	c, _ := newRecordedClient(t, submittedThen(t, func(w http.ResponseWriter, r *http.Request) {
		if polls.Add(1) == 2 {
			close(secondPoll)
		}
		reply(http.StatusOK, testdata(t, "executions/async_running.json"))(w, r)
	}), nil)
	poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-secondPoll
		cancel()
	}()
	_, err = poller.PollUntilDone(ctx, fastPolling)
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, poller.Done())
	token, err := poller.ResumeToken()
	require.NoError(t, err, "a canceled poll can be resumed later")
	require.NotEmpty(t, token)
}

func TestBeginExecutePollErrorIsAResponseError(t *testing.T) {
	c, _ := newRecordedClient(t, submittedThen(t, reply(http.StatusNotFound, []byte(`{"error":{"code":"ExecutionNotFound","message":"gone"}}`))), nil)
	poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	_, err = poller.PollUntilDone(context.Background(), fastPolling)
	require.True(t, azsessions.HasCode(err, "ExecutionNotFound"))
}

// TestBeginExecuteRefusesBadResumeTokens: a token that is not one the SDK
// made, or that was edited to hold no usable poll URL, is refused by
// BeginExecute with ErrInvalidArgument, before any request; it used to be
// taken, and PollUntilDone then failed with "no URL to poll" or net/http's
// "no Host in request URL".
func TestBeginExecuteRefusesBadResumeTokens(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/async_completed.json")), nil)
	exec := c.NewExecutionClient()
	good := `{"type":"ExecutionClientExecuteResponse","token":{"pollURL":"` + srv.URL + poolPath + `/executions/e1?api-version=2025-10-02-preview&identifier=s1","executionStatus":"Running","outputCap":4096}}`
	_, err := exec.BeginExecute(context.Background(), "s1", azsessions.ExecutionRequest{}, &azsessions.ExecutionClientBeginExecuteOptions{ResumeToken: good})
	require.NoError(t, err, "the well-formed token is taken")
	for name, token := range map[string]string{
		"not JSON":         "garbage",
		"empty object":     "{}",
		"another poller":   `{"type":"SomethingElse","token":{}}`,
		"no poll URL":      `{"type":"ExecutionClientExecuteResponse","token":{"pollURL":"","executionStatus":"Running"}}`,
		"finished, no URL": `{"type":"ExecutionClientExecuteResponse","token":{"executionStatus":"Succeeded"}}`,
		"relative URL":     `{"type":"ExecutionClientExecuteResponse","token":{"pollURL":"executions/e1","executionStatus":"Running"}}`,
	} {
		_, err := exec.BeginExecute(context.Background(), "s1", azsessions.ExecutionRequest{}, &azsessions.ExecutionClientBeginExecuteOptions{ResumeToken: token})
		require.ErrorIs(t, err, azsessions.ErrInvalidArgument, name)
		require.Contains(t, err.Error(), "resume token", name)
	}
	require.Empty(t, srv.requests())
}

// TestBeginExecuteRefusesAFakeResumeTokenOfAnotherHost: azcore resumes a
// token shaped like its fake transport's with its own poller, which polls
// the token's fakeURL through the client's pipeline. Such a token naming
// another host is refused like any other: it would get the bearer token.
func TestBeginExecuteRefusesAFakeResumeTokenOfAnotherHost(t *testing.T) {
	_, elsewhereSrv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/async_completed.json")), nil)
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/async_completed.json")), nil)
	token := `{"type":"ExecutionClientExecuteResponse","token":{"type":"fake","apiName":"ExecutionClient.BeginExecute","fakeURL":"` + elsewhereSrv.URL + poolPath + `/executions/e1","status":"InProgress"}}`
	poller, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.ExecutionRequest{}, &azsessions.ExecutionClientBeginExecuteOptions{ResumeToken: token})
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = poller.PollUntilDone(ctx, fastPolling)
	}
	require.ErrorIs(t, err, azsessions.ErrUntrustedURL)
	require.Empty(t, elsewhereSrv.requests(), "the other host got no request")
	require.Empty(t, srv.requests())
}

// TestPollingEndsAtAStatusTheSDKDoesNotKnow: a poll answered with a status
// the SDK does not know (nor Running or NotStarted) ends the wait with that
// answer, as Execute returns such an answer to its first request; the
// poller polled on until the caller's context ended, for ever without a
// deadline. This holds for BeginExecute's poller and for Execute waiting
// on a 202.
func TestPollingEndsAtAStatusTheSDKDoesNotKnow(t *testing.T) {
	const finished = `{"id":"testExecutionId","identifier":"s1","status":"Finished","result":{"stdout":"done\n"}}`
	loc := func(*http.Request) string { return "executions/testExecutionId" }
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // hang guard
	defer cancel()

	h, polls := asyncService(t, loc, []byte(finished))
	c, _ := newRecordedClient(t, h, nil)
	poller, err := c.NewExecutionClient().BeginExecute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	resp, err := poller.PollUntilDone(ctx, fastPolling)
	require.NoError(t, err)
	require.Equal(t, azsessions.ExecutionStatus("Finished"), *resp.Status)
	require.Equal(t, "done\n", *resp.Result.Stdout)
	require.Equal(t, int32(3), polls.Load())

	h, polls = asyncService(t, loc, []byte(finished))
	c, _ = newRecordedClient(t, h, nil)
	got, err := c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	require.Equal(t, azsessions.ExecutionStatus("Finished"), *got.Status)
	require.Equal(t, int32(3), polls.Load())
}

// TestBeginExecuteFinishedAtOnceKeepsTheResultWhateverItsLocation: a first
// answer that has ended is the result, even when it also carries an
// Operation-Location the SDK would not poll (another host, or one that does
// not parse): nothing is polled, so nothing is sent there. BeginExecute
// failed with ErrUntrustedURL, and the result of code that had run was lost.
func TestBeginExecuteFinishedAtOnceKeepsTheResultWhateverItsLocation(t *testing.T) {
	for _, loc := range []string{"https://elsewhere.example/executions/e1", "http://[::1%zz]/x"} {
		requireResultAtOnce(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json"), "Operation-Location", loc), loc)
	}
}

// TestBeginExecuteRefusesAResumeTokenWithAnOutputCapItNeverMakes: a token
// is caller input, perhaps from storage an attacker can write. Its
// outputCap sets how much of a poll's answer the SDK reads; one no request
// can have (outside 0 to the int32 of OutputStreamsMaxLength) is refused.
// A cap whose limit overflowed lifted the 16 MiB bound on the answer: a
// 17 MiB answer was read whole.
func TestBeginExecuteRefusesAResumeTokenWithAnOutputCapItNeverMakes(t *testing.T) {
	big := `{"id":"e1","status":"Succeeded","result":{"stdout":"` + strings.Repeat("x", 17<<20) + `"}}`
	c, srv := newRecordedClient(t, reply(http.StatusOK, []byte(big)), nil)
	exec := c.NewExecutionClient()
	for _, outputCap := range []string{"384307168202282326", "2147483648", "-1"} {
		token := `{"type":"ExecutionClientExecuteResponse","token":{"pollURL":"` + srv.URL + poolPath + `/executions/e1?identifier=s1","executionStatus":"Running","outputCap":` + outputCap + `}}`
		poller, err := exec.BeginExecute(context.Background(), "s1", azsessions.ExecutionRequest{}, &azsessions.ExecutionClientBeginExecuteOptions{ResumeToken: token})
		if err == nil {
			_, err = poller.PollUntilDone(context.Background(), fastPolling)
			require.Error(t, err, "the answer beyond the bound was read, outputCap %s", outputCap)
		}
		require.ErrorIs(t, err, azsessions.ErrInvalidArgument, outputCap)
		require.Contains(t, err.Error(), "outputCap")
	}
	require.Empty(t, srv.requests())
}

// pollsAnsweredWith returns a client whose executions are submitted as
// submittedThen does and whose polls, counted in polls, are answered 200
// with body.
func pollsAnsweredWith(t *testing.T, body string, polls *atomic.Int32) *azsessions.Client {
	t.Helper()
	c, _ := newRecordedClient(t, submittedThen(t, func(w http.ResponseWriter, r *http.Request) {
		polls.Add(1)
		reply(http.StatusOK, []byte(body))(w, r)
	}), nil)
	return c
}

// TestPollAnsweredWithAnEmpty200Fails: a poll answered 200 with no body
// says nothing of the execution. It fails the wait with an error saying
// so, as Execute's first answer does; the poller took it for "still
// running" and polled on until the caller's context ended, for ever
// without a deadline. Both BeginExecute's poller and Execute waiting on a
// 202 are checked.
func TestPollAnsweredWithAnEmpty200Fails(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // hang guard
	defer cancel()
	for _, body := range []string{"", "null"} {
		var polls atomic.Int32
		c := pollsAnsweredWith(t, body, &polls)
		exec := c.NewExecutionClient()
		poller, err := exec.BeginExecute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
		require.NoError(t, err)
		_, err = poller.PollUntilDone(ctx, fastPolling)
		require.NotErrorIs(t, err, context.DeadlineExceeded)
		require.ErrorIs(t, err, azsessions.ErrInvalidResponse, "body %q", body)
		require.Equal(t, int32(1), polls.Load())

		_, err = exec.Execute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
		require.NotErrorIs(t, err, context.DeadlineExceeded)
		require.ErrorIs(t, err, azsessions.ErrInvalidResponse, "body %q", body)
		require.Equal(t, int32(2), polls.Load())
	}
}

// TestPollAnsweredWithNeitherStatusNorResultEndsTheWait: a poll answered
// 200 with an execution that has no status and no result ({}, an id alone)
// is returned as it came, as Execute returns such a first answer; the
// poller took it for "still running" and polled on until the caller's
// context ended, for ever without a deadline. (A null body is no execution:
// TestEmptyOrNonJSONSuccessIsAnError.)
func TestPollAnsweredWithNeitherStatusNorResultEndsTheWait(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // hang guard
	defer cancel()
	for _, body := range []string{`{}`, `{"id":"e1","identifier":"s1"}`} {
		var polls atomic.Int32
		c := pollsAnsweredWith(t, body, &polls)
		exec := c.NewExecutionClient()
		poller, err := exec.BeginExecute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
		require.NoError(t, err)
		resp, err := poller.PollUntilDone(ctx, fastPolling)
		require.NoError(t, err, body)
		require.Nil(t, resp.Status)
		require.False(t, resp.Succeeded())
		require.Equal(t, int32(1), polls.Load(), body)

		_, err = exec.Execute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
		require.NoError(t, err, body)
		require.Equal(t, int32(2), polls.Load(), body)
	}
}
