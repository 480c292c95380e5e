package azsessions_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

func TestExecuteSendsTheSpecBody(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json"), "operation-id", "testExecutionId"), nil)
	req := azsessions.NewCodeRequest("print(7*9)")
	req.TimeoutInSeconds = ptr[int32](60)
	req.OutputStreamsMaxLength = ptr[int32](100)
	req.UseEmptyKernel = ptr(true)
	req.ReturnJupyterFormatExecutionResult = ptr(false)
	resp, err := c.NewExecutionClient().Execute(context.Background(), "id with spaces&x=#1/é", req, nil)
	require.NoError(t, err)

	got := srv.last(t)
	require.Equal(t, http.MethodPost, got.Method)
	require.Equal(t, "/executions", got.Path)
	require.Equal(t, "id with spaces&x=#1/é", got.Query["identifier"][0])
	require.Equal(t, "application/json", got.Header.Get("Content-Type"))
	require.NotEmpty(t, got.Header.Get("operation-id"))
	require.JSONEq(t, `{"codeInputType":"Inline","executionType":"Synchronous","code":"print(7*9)","timeoutInSeconds":60,
		"outputStreamsMaxLength":100,"useEmptyKernel":true,"returnJupyterFormatExecutionResult":false}`, string(got.Body))

	require.Equal(t, "testExecutionId", *resp.ID)
	require.Equal(t, "testExecutionId", *resp.OperationID)
	require.Equal(t, azsessions.ExecutionStatusSucceeded, *resp.Status)
	require.True(t, resp.Succeeded())
	require.Equal(t, azsessions.ExecutionFailureNone, resp.Failure())
	require.Equal(t, "63\n", *resp.Result.Stdout)
	require.Equal(t, int64(4), *resp.Result.ExecutionTimeInMilliseconds)
	require.Equal(t, "", resp.Result.Text())
	require.Nil(t, resp.ExitCode)
}

func TestExecuteShellRequestsOmitCodeFields(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/shell_exit0.json")), nil)
	exec := c.NewExecutionClient()
	req := azsessions.NewShellRequest("read x; echo first_input:$x")
	req.Stdin = ptr("testinputlineline\n")
	resp, err := exec.Execute(context.Background(), "s1", req, nil)
	require.NoError(t, err)
	require.JSONEq(t, `{"shellCommand":"read x; echo first_input:$x","stdin":"testinputlineline\n"}`, string(srv.last(t).Body))
	require.Equal(t, 0, *resp.ExitCode)
	require.True(t, resp.Succeeded())

	_, err = exec.Execute(context.Background(), "s1", azsessions.NewExecRequest("ls", "-la", "/mnt/data"), nil)
	require.NoError(t, err)
	require.JSONEq(t, `{"execCommandAndArgs":["ls","-la","/mnt/data"]}`, string(srv.last(t).Body))
}

func TestExecuteAcceptsEveryResponseVariant(t *testing.T) {
	cases := []struct {
		file     string
		status   int
		want     azsessions.ExecutionStatus
		failure  azsessions.ExecutionFailure
		exitCode *int
		value    string
	}{
		{"sync_succeeded.json", http.StatusOK, azsessions.ExecutionStatusSucceeded, azsessions.ExecutionFailureNone, nil, ""},
		{"sync_succeeded.json", http.StatusAccepted, azsessions.ExecutionStatusSucceeded, azsessions.ExecutionFailureNone, nil, ""},
		{"legacy_success_result_key.json", http.StatusOK, azsessions.ExecutionStatusSucceeded, azsessions.ExecutionFailureNone, nil, "2"},
		{"legacy_properties.json", http.StatusOK, azsessions.ExecutionStatusFailed, azsessions.ExecutionFailureError, nil, ""},
		{"failed_keyerror.json", http.StatusOK, azsessions.ExecutionStatusFailed, azsessions.ExecutionFailureError, nil, ""},
		{"failed_timeout.json", http.StatusOK, azsessions.ExecutionStatusFailed, azsessions.ExecutionFailureTimeout, nil, ""},
		{"failed_memory.json", http.StatusOK, azsessions.ExecutionStatusFailed, azsessions.ExecutionFailureMemory, nil, ""},
		{"failed_kernel_restarted.json", http.StatusOK, azsessions.ExecutionStatusFailed, azsessions.ExecutionFailureKernelRestarted, nil, ""},
		{"shell_exit0.json", http.StatusOK, azsessions.ExecutionStatusSucceeded, azsessions.ExecutionFailureNone, ptr(0), ""},
		{"shell_exit2_no_type.json", http.StatusOK, azsessions.ExecutionStatusFailed, azsessions.ExecutionFailureExitCode, ptr(2), ""},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			c, _ := newRecordedClient(t, reply(tc.status, testdata(t, "executions/"+tc.file)), nil)
			resp, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
			require.NoError(t, err, "user code failing is not a Go error")
			require.Equal(t, tc.want, *resp.Status)
			require.Equal(t, tc.failure, resp.Failure())
			require.Equal(t, tc.exitCode, resp.ExitCode)
			require.Equal(t, tc.value, resp.Result.Text())
			require.NotNil(t, resp.Result.Stderr)
		})
	}
}

func TestExecuteResultValues(t *testing.T) {
	var bodies []json.RawMessage
	require.NoError(t, json.Unmarshal(testdata(t, "executions/values_nan_none_str.json"), &bodies))
	want := []struct {
		raw  string
		text string
	}{{`"nan"`, "nan"}, {`null`, ""}, {`"'nan'"`, "'nan'"}, {`42`, "42"}}
	for i, body := range bodies {
		c, _ := newRecordedClient(t, reply(http.StatusOK, body), nil)
		resp, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
		require.NoError(t, err)
		require.JSONEq(t, want[i].raw, string(resp.Result.Value))
		require.Equal(t, want[i].text, resp.Result.Text())
		require.Nil(t, resp.Result.Image)
	}
}

func TestExecuteDecodesImages(t *testing.T) {
	c, _ := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/image.json")), nil)
	resp, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("plt.show()"), nil)
	require.NoError(t, err)
	require.NotNil(t, resp.Result.Image)
	require.Equal(t, "png", resp.Result.Image.Format)
	require.Equal(t, []byte("\x89PNG\r\n\x1a\n"), resp.Result.Image.Data)
}

func TestExecuteFlagsOutputAtTheCap(t *testing.T) {
	body := func(stdout string) []byte {
		b, _ := json.Marshal(map[string]any{"status": "Succeeded", "result": map[string]any{"stdout": stdout, "stderr": "short"}})
		return b
	}
	c, _ := newRecordedClient(t, reply(http.StatusOK, body(strings.Repeat("x", 4096))), nil)
	resp, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	require.True(t, resp.Result.StdoutTruncated)
	require.False(t, resp.Result.StderrTruncated)

	c, _ = newRecordedClient(t, reply(http.StatusOK, body(strings.Repeat("é", 10))), nil)
	req := azsessions.NewCodeRequest("x")
	req.OutputStreamsMaxLength = ptr[int32](10)
	resp, err = c.NewExecutionClient().Execute(context.Background(), "s1", req, nil)
	require.NoError(t, err)
	require.True(t, resp.Result.StdoutTruncated, "10 characters reach a cap of 10 characters")

	c, _ = newRecordedClient(t, reply(http.StatusOK, body("hello\n")), nil)
	resp, err = c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	require.False(t, resp.Result.StdoutTruncated)
}

func TestExecuteParsesMetrics(t *testing.T) {
	c, _ := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json"),
		"X-Ms-Container-Execution-Duration", "5011",
		"X-Ms-Execution-Request-Time", "5010.000000",
		"X-Ms-Overall-Execution-Time", "42m56.970311818s",
		"X-Ms-Allocation-Time", "not-a-number",
		"X-Ms-Allocation-Retries", "2",
		"X-Ms-New-Allocation", "True",
		"X-Ms-Session-Guid", "d04f566c-1c4e-4a7e-9a1b-3c3e0f5e6a7b",
	), nil)
	resp, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err, "a malformed timing header never fails the call")
	m := resp.Metrics
	require.Equal(t, 5011*time.Millisecond, *m.ContainerExecutionDuration)
	require.Equal(t, 5010*time.Millisecond, *m.ExecutionRequestTime)
	require.Equal(t, 42*time.Minute+56970311818*time.Nanosecond, *m.OverallExecutionTime)
	require.Nil(t, m.AllocationTime)
	require.Nil(t, m.PreparationTime)
	require.Equal(t, 2, *m.AllocationRetries)
	require.True(t, *m.NewAllocation)
	require.Equal(t, "d04f566c-1c4e-4a7e-9a1b-3c3e0f5e6a7b", *m.SessionGUID)
}

func TestExecuteRetriesOnlyWhenTheCodeDidNotRun(t *testing.T) {
	for _, tc := range []struct {
		status    int
		wantTries int32
	}{
		{http.StatusTooManyRequests, 3},
		{http.StatusServiceUnavailable, 3},
		{http.StatusInternalServerError, 1},
		{http.StatusBadGateway, 1},
		{http.StatusGatewayTimeout, 1},
		{http.StatusRequestTimeout, 1},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			var tries atomic.Int32
			var ids []string
			c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
				if tries.Add(1) < 3 {
					w.Header().Set("Retry-After", "0")
					reply(tc.status, []byte(`{"error":{"code":"Busy","message":"try later"}}`))(w, r)
					return
				}
				reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json"))(w, r)
			}, nil)
			_, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
			require.Equal(t, tc.wantTries, tries.Load())
			for _, r := range srv.requests() {
				ids = append(ids, r.Header.Get("operation-id"))
			}
			if tc.wantTries == 3 {
				require.NoError(t, err)
				require.Equal(t, ids[0], ids[1], "every try carries the same operation-id")
				require.Equal(t, ids[0], ids[2])
			} else {
				var re *azcore.ResponseError
				require.ErrorAs(t, err, &re)
				require.Equal(t, tc.status, re.StatusCode)
			}
		})
	}
}

func TestExecuteDoesNotRetryDroppedConnections(t *testing.T) {
	var tries atomic.Int32
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		tries.Add(1)
		hj, ok := w.(http.Hijacker)
		require.True(t, ok)
		conn, _, err := hj.Hijack()
		require.NoError(t, err)
		conn.Close()
	}, nil)
	_, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.Error(t, err)
	require.Equal(t, int32(1), tries.Load(), "the code may have run: no retry")
}

func TestExecuteKeepsCallerOperationID(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json")), nil)
	_, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientExecuteOptions{OperationID: ptr("my-op")})
	require.NoError(t, err)
	require.Equal(t, "my-op", srv.last(t).Header.Get("operation-id"))
}

func TestOtherOperationsKeepAzcoreRetries(t *testing.T) {
	var tries atomic.Int32
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) < 3 {
			reply(http.StatusInternalServerError, nil)(w, r)
			return
		}
		reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json"))(w, r)
	}, nil)
	_, err := c.NewExecutionClient().Get(context.Background(), "s1", "e1", nil)
	require.NoError(t, err)
	require.Equal(t, int32(3), tries.Load())
}

func TestExecuteRejectsBadBodies(t *testing.T) {
	for name, body := range map[string]string{
		"truncated JSON": `{"id":"e1","status":"Succ`,
		"not JSON":       `<html>gateway</html>`,
		"wrong type":     `{"result":"not an object"}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, _ := newRecordedClient(t, reply(http.StatusOK, []byte(body)), nil)
			_, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
			require.Error(t, err)
			var re *azcore.ResponseError
			require.False(t, errors.As(err, &re), "a bad body is not an HTTP error")
		})
	}
}

func TestExecutionClientGet(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/async_completed.json")), nil)
	resp, err := c.NewExecutionClient().Get(context.Background(), "s1", "id/with#odd chars", nil)
	require.NoError(t, err)
	got := srv.last(t)
	require.Equal(t, "/executions/id%2Fwith%23odd%20chars", got.Path)
	require.Equal(t, "s1", got.Query["identifier"][0])
	require.Equal(t, azsessions.ExecutionTypeAsynchronous, *resp.ExecutionType)
	require.Equal(t, "42", resp.Result.Text())
}

// TestExecuteContextCancel cancels the context while the service holds the
// request, and checks that Execute returns at once with context.Canceled.
func TestExecuteContextCancel(t *testing.T) {
	release := make(chan struct{})
	arrived := make(chan struct{}, 1)
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
			// Send nothing: a 200 with no body could race the client's
			// close of the connection and be taken (see
			// interruptingService).
			panic(http.ErrAbortHandler)
		}
	}, &azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: -1}}})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived // the request is at the service: cancel while it waits
		cancel()
	}()
	_, err := c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("x"), nil)
	require.ErrorIs(t, err, context.Canceled)
}

func TestExecutionClientGetJudgesTruncationAgainstTheDefaultCap(t *testing.T) {
	body := func(n int) []byte {
		b, _ := json.Marshal(map[string]any{"status": "Succeeded", "result": map[string]any{"stdout": strings.Repeat("x", n), "stderr": ""}})
		return b
	}
	for n, want := range map[int]bool{4096: true, 5000: false, 100: false} {
		c, _ := newRecordedClient(t, reply(http.StatusOK, body(n)), nil)
		resp, err := c.NewExecutionClient().Get(context.Background(), "s1", "e1", nil)
		require.NoError(t, err)
		require.Equal(t, want, resp.Result.StdoutTruncated, "stdout of %d characters", n)
	}
}

func TestExecuteWaitsWhenTheServiceAnswersRunning(t *testing.T) {
	var polls atomic.Int32
	c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Operation-Location", "executions/testExecutionId")
			w.Header().Set("operation-id", "testExecutionId")
			w.Header().Set("X-Ms-Allocation-Time", "12")
			reply(http.StatusAccepted, testdata(t, "executions/async_running.json"))(w, r)
			return
		}
		w.Header().Set("Retry-After", "0")
		if polls.Add(1) < 2 {
			reply(http.StatusOK, testdata(t, "executions/async_running.json"))(w, r)
			return
		}
		reply(http.StatusOK, testdata(t, "executions/async_completed.json"))(w, r)
	}, nil)
	resp, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("slow()"), nil)
	require.NoError(t, err)
	require.True(t, resp.Succeeded())
	require.Equal(t, "done\n", *resp.Result.Stdout)
	require.Equal(t, 12*time.Millisecond, *resp.Metrics.AllocationTime, "the POST's timing headers are kept")
	require.Equal(t, int32(2), polls.Load())
	require.Len(t, srv.requests(), 3, "one POST, then GETs: the code ran once")
}

func TestExecuteWaitsAfterA202WithoutBody(t *testing.T) {
	var polls atomic.Int32
	c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.Header().Set("Operation-Location", "executions/testExecutionId")
			w.Header().Set("operation-id", "testExecutionId")
			w.WriteHeader(http.StatusAccepted)
			return
		}
		polls.Add(1)
		reply(http.StatusOK, testdata(t, "executions/async_completed.json"))(w, r)
	}, nil)
	resp, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("slow()"), nil)
	require.NoError(t, err)
	require.True(t, resp.Succeeded())
	require.Equal(t, "done\n", *resp.Result.Stdout)
	require.Equal(t, "testExecutionId", *resp.OperationID)
	require.Equal(t, int32(1), polls.Load())
	require.Len(t, srv.requests(), 2, "one POST, then one GET: the code ran once")
}

func TestExecuteReturnsAFinishedAnswerItDoesNotKnow(t *testing.T) {
	// A status the SDK does not know, or none, next to a result: the answer
	// is returned as it came. Polling for it would lose the result in hand
	// (a synchronous execution may not be kept for GET).
	for name, body := range map[string]string{
		"unknown status": `{"id":"e1","identifier":"s1","status":"TimedOut","result":{"stdout":"","stderr":"too slow"}}`,
		"null status":    `{"id":"e1","identifier":"s1","status":null,"result":{"stdout":"ok","stderr":""}}`,
		"no status":      `{"id":"e1","identifier":"s1","result":{"stdout":"ok","stderr":""}}`,
	} {
		t.Run(name, func(t *testing.T) {
			c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost {
					reply(http.StatusNotFound, []byte(`{"error":{"code":"NotFound","message":"no execution"}}`))(w, r)
					return
				}
				reply(http.StatusOK, []byte(body))(w, r)
			}, nil)
			resp, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
			require.NoError(t, err)
			require.NotNil(t, resp.Result)
			require.Len(t, srv.requests(), 1, "no poll")
			if name == "unknown status" {
				require.Equal(t, azsessions.ExecutionStatus("TimedOut"), *resp.Status)
				require.Equal(t, "too slow", *resp.Result.Stderr)
			} else {
				require.Nil(t, resp.Status)
				require.Equal(t, "ok", *resp.Result.Stdout)
			}
		})
	}
}

func TestExecuteRefusesAnEmpty200(t *testing.T) {
	c, _ := newRecordedClient(t, reply(http.StatusOK, nil), nil)
	_, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.ErrorIs(t, err, azsessions.ErrInvalidResponse)
}

// TestExecuteRefusesRequestsItWouldAlterOrThatRunNothing: JSON carries
// text only, and encoding/json replaces bytes that are not UTF-8 with
// U+FFFD, so code, a command, an argument or stdin holding them ran as
// something else than the caller gave (binary stdin arrived corrupted); a
// request with neither code nor a command was sent for the service to
// refuse. Both are refused with ErrInvalidArgument, naming the field and
// not quoting it (code may be secret), before any request.
func TestExecuteRefusesRequestsItWouldAlterOrThatRunNothing(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json")), nil)
	exec := c.NewExecutionClient()
	stdin := azsessions.NewShellRequest("cat")
	stdin.Stdin = to.Ptr("\xff\xfe")
	for want, r := range map[string]azsessions.ExecutionRequest{
		"Code":               azsessions.NewCodeRequest("print('caf\xe9')"),
		"ShellCommand":       azsessions.NewShellRequest("echo \xe9"),
		"ExecCommandAndArgs": azsessions.NewExecRequest("ls", "ok", "\xff"),
		"Stdin":              stdin,
		"no Code":            {TimeoutInSeconds: to.Ptr(int32(5))},
	} {
		_, err := exec.Execute(context.Background(), "s1", r, nil)
		require.ErrorIs(t, err, azsessions.ErrInvalidArgument, want)
		require.Contains(t, err.Error(), want)
		require.NotContains(t, err.Error(), "\xff", "the value is not quoted")
		_, err = exec.BeginExecute(context.Background(), "s1", r, nil)
		require.ErrorIs(t, err, azsessions.ErrInvalidArgument, want)
	}
	require.Empty(t, srv.requests())

	_, err := exec.Execute(context.Background(), "s1", azsessions.NewCodeRequest(""), nil)
	require.NoError(t, err, "empty code is code")
}

// TestExecuteRefusesAnOperationIDThatIsADotSegment: the operation id names
// the execution in the URL ExecutionClient.Get and the poller send, where
// "." or ".." would name another resource once the path is resolved (the
// pool's root); Get refuses them, and so do Execute and BeginExecute now,
// before any request. They were sent, and BeginExecute then polled the
// pool's root.
func TestExecuteRefusesAnOperationIDThatIsADotSegment(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json")), nil)
	exec := c.NewExecutionClient()
	for _, id := range []string{".", ".."} {
		_, err := exec.Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientExecuteOptions{OperationID: to.Ptr(id)})
		require.ErrorIs(t, err, azsessions.ErrInvalidArgument, id)
		require.Contains(t, err.Error(), "OperationID")
		_, err = exec.BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("x"), &azsessions.ExecutionClientBeginExecuteOptions{OperationID: to.Ptr(id)})
		require.ErrorIs(t, err, azsessions.ErrInvalidArgument, id)
	}
	require.Empty(t, srv.requests())
}
