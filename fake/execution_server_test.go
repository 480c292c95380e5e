package fake_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

func TestExecute(t *testing.T) {
	request := azsessions.NewCodeRequest("import sys\nprint('hi'); raise ValueError('x')")
	request.TimeoutInSeconds = to.Ptr[int32](60)
	request.OutputStreamsMaxLength = to.Ptr[int32](100)
	request.UseEmptyKernel = to.Ptr(true)
	request.ReturnJupyterFormatExecutionResult = to.Ptr(false)
	want := azsessions.ExecutionClientExecuteResponse{
		Execution: azsessions.Execution{
			ID:            to.Ptr("op-1"),
			Identifier:    to.Ptr(oddIdentifier),
			ExecutionType: to.Ptr(azsessions.ExecutionTypeSynchronous),
			Status:        to.Ptr(azsessions.ExecutionStatusFailed),
			Result: &azsessions.ExecutionResult{
				Stdout:                      to.Ptr("hi\n"),
				Stderr:                      to.Ptr("Traceback (most recent call last):\nValueError: x"),
				Value:                       json.RawMessage(`"42"`),
				ExecutionTimeInMilliseconds: to.Ptr[int64](12),
			},
			Error: &azsessions.ExecutionError{Code: to.Ptr("E1"), Message: to.Ptr("boom"), Target: to.Ptr("code")},
		},
		Metrics:     fullMetrics(),
		OperationID: to.Ptr("op-1"),
	}
	var calls int
	srv := fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
			Execute: func(ctx context.Context, identifier string, got azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				calls++
				require.NotNil(t, ctx)
				require.Equal(t, oddIdentifier, identifier)
				require.Equal(t, request, got)
				require.Equal(t, &azsessions.ExecutionClientExecuteOptions{OperationID: to.Ptr("op-1")}, options)
				resp.SetResponse(http.StatusOK, want, nil)
				return
			},
		},
	}
	exec := newClient(t, &srv).NewExecutionClient()
	got, err := exec.Execute(context.Background(), oddIdentifier, request, &azsessions.ExecutionClientExecuteOptions{OperationID: to.Ptr("op-1")})
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, azsessions.ExecutionFailureError, got.Failure())
	require.False(t, got.Succeeded())
	require.Equal(t, "42", got.Result.Text())
	require.Equal(t, 1, calls)
}

func TestExecuteAnswered202WaitsThroughGet(t *testing.T) {
	// A pool that answers a synchronous execution with 202 and a running
	// execution: Execute waits for it with GET /executions/{id}, which the
	// fake serves with Get.
	running := azsessions.ExecutionClientExecuteResponse{Execution: azsessions.Execution{
		ID:     to.Ptr("op-slow"),
		Status: to.Ptr(azsessions.ExecutionStatusRunning),
	}}
	var gets int
	srv := fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
			Execute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				resp.SetResponse(http.StatusAccepted, running, nil)
				return
			},
			Get: func(ctx context.Context, identifier string, id string, options *azsessions.ExecutionClientGetOptions) (resp azfake.Responder[azsessions.ExecutionClientGetResponse], errResp azfake.ErrorResponder) {
				gets++
				require.Equal(t, oddIdentifier, identifier)
				require.Equal(t, "op-slow", id)
				resp.SetResponse(http.StatusOK, azsessions.ExecutionClientGetResponse(terminalExecution("done")), nil)
				return
			},
		},
	}
	got, err := newClient(t, &srv).NewExecutionClient().Execute(context.Background(), oddIdentifier, azsessions.NewCodeRequest("slow()"), nil)
	require.NoError(t, err)
	require.True(t, got.Succeeded())
	require.Equal(t, "done", *got.Result.Stdout)
	require.Equal(t, 1, gets)
}

func TestExecuteShellAndGeneratedOperationID(t *testing.T) {
	request := azsessions.NewExecRequest("ls", "-l", "a b")
	request.Stdin = to.Ptr("in\n")
	request.TimeoutInSeconds = to.Ptr[int32](5)
	var seenOpID string
	srv := fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
			Execute: func(ctx context.Context, identifier string, got azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				require.Equal(t, request, got)
				require.NotNil(t, options)
				require.NotNil(t, options.OperationID)
				seenOpID = *options.OperationID
				resp.SetResponse(http.StatusAccepted, azsessions.ExecutionClientExecuteResponse{Execution: azsessions.Execution{
					ExitCode: to.Ptr(2),
					Result:   &azsessions.ExecutionResult{Stderr: to.Ptr("ls: a b: No such file")},
				}}, &azfake.SetResponseOptions{Header: http.Header{"Operation-Id": {"from-header"}}})
				return
			},
		},
	}
	got, err := newClient(t, &srv).NewExecutionClient().Execute(context.Background(), "shell", request, nil)
	require.NoError(t, err)
	require.NotEmpty(t, seenOpID)
	require.Equal(t, azsessions.ExecutionFailureExitCode, got.Failure())
	require.Equal(t, 2, *got.ExitCode)
	require.Equal(t, azsessions.ExecutionStatusFailed, *got.Status)
	require.Equal(t, "from-header", *got.OperationID)
	require.Equal(t, azsessions.Metrics{}, got.Metrics)
}

func TestExecuteFailureKindsAndImage(t *testing.T) {
	png := []byte{0x89, 'P', 'N', 'G', 0, 1, 2}
	cases := []struct {
		name   string
		result azsessions.ExecutionResult
		status azsessions.ExecutionStatus
		want   azsessions.ExecutionFailure
	}{
		{"timeout", azsessions.ExecutionResult{Stderr: to.Ptr("Request timed out waiting for code execution to complete")}, azsessions.ExecutionStatusFailed, azsessions.ExecutionFailureTimeout},
		{"memory", azsessions.ExecutionResult{Stderr: to.Ptr("Execution aborted")}, azsessions.ExecutionStatusFailed, azsessions.ExecutionFailureMemory},
		{"canceled", azsessions.ExecutionResult{}, azsessions.ExecutionStatusCanceled, azsessions.ExecutionFailureCanceled},
		{"image", azsessions.ExecutionResult{
			Value: json.RawMessage(`{"type":"image","format":"png","base64_data":"iVBORwABAg=="}`),
			Image: &azsessions.Image{Format: "png", Data: png},
		}, azsessions.ExecutionStatusSucceeded, azsessions.ExecutionFailureNone},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := fake.ServerFactory{
				ExecutionServer: fake.ExecutionServer{
					Execute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
						resp.SetResponse(http.StatusOK, azsessions.ExecutionClientExecuteResponse{Execution: azsessions.Execution{
							ID: options.OperationID, Status: to.Ptr(tc.status), Result: &tc.result,
						}}, nil)
						return
					},
				},
			}
			got, err := newClient(t, &srv).NewExecutionClient().Execute(context.Background(), "s", azsessions.NewCodeRequest("x"), nil)
			require.NoError(t, err)
			require.Equal(t, tc.want, got.Failure())
			require.Equal(t, tc.status == azsessions.ExecutionStatusSucceeded, got.Succeeded())
			require.Equal(t, tc.result, *got.Result)
		})
	}
}

func TestExecutionGet(t *testing.T) {
	const executionID = "op/1 é#?%"
	want := azsessions.ExecutionClientGetResponse{
		Execution: azsessions.Execution{
			ID:            to.Ptr(executionID),
			Identifier:    to.Ptr(oddIdentifier),
			ExecutionType: to.Ptr(azsessions.ExecutionTypeAsynchronous),
			Status:        to.Ptr(azsessions.ExecutionStatusSucceeded),
			Result:        &azsessions.ExecutionResult{Stdout: to.Ptr("done"), Value: json.RawMessage(`null`)},
		},
		Metrics:     fullMetrics(),
		OperationID: to.Ptr(executionID),
	}
	srv := fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
			Get: func(ctx context.Context, identifier string, id string, options *azsessions.ExecutionClientGetOptions) (resp azfake.Responder[azsessions.ExecutionClientGetResponse], errResp azfake.ErrorResponder) {
				require.Equal(t, oddIdentifier, identifier)
				require.Equal(t, executionID, id)
				require.Nil(t, options)
				resp.SetResponse(http.StatusOK, want, nil)
				return
			},
		},
	}
	got, err := newClient(t, &srv).NewExecutionClient().Get(context.Background(), oddIdentifier, executionID, nil)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.True(t, got.Succeeded())
}

func terminalExecution(stdout string) azsessions.ExecutionClientExecuteResponse {
	return azsessions.ExecutionClientExecuteResponse{Execution: azsessions.Execution{
		ID:            to.Ptr("op-" + stdout),
		Identifier:    to.Ptr(oddIdentifier),
		ExecutionType: to.Ptr(azsessions.ExecutionTypeAsynchronous),
		Status:        to.Ptr(azsessions.ExecutionStatusSucceeded),
		Result:        &azsessions.ExecutionResult{Stdout: to.Ptr(stdout), ExecutionTimeInMilliseconds: to.Ptr[int64](7)},
	}}
}

var fastPoll = &runtime.PollUntilDoneOptions{Frequency: time.Millisecond}

func TestBeginExecute(t *testing.T) {
	request := azsessions.NewCodeRequest("import time; time.sleep(1)")
	want := terminalExecution("slow")
	var calls int
	srv := fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
			BeginExecute: func(ctx context.Context, identifier string, got azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				calls++
				require.Equal(t, oddIdentifier, identifier)
				require.Equal(t, request, got)
				require.Equal(t, &azsessions.ExecutionClientBeginExecuteOptions{OperationID: to.Ptr("op-slow")}, options)
				resp.AddNonTerminalResponse(http.StatusAccepted, nil)
				resp.AddNonTerminalResponse(http.StatusOK, nil)
				resp.AddNonTerminalResponse(http.StatusOK, nil)
				resp.SetTerminalResponse(http.StatusOK, want, nil)
				return
			},
		},
	}
	poller, err := newClient(t, &srv).NewExecutionClient().BeginExecute(context.Background(), oddIdentifier, request, &azsessions.ExecutionClientBeginExecuteOptions{OperationID: to.Ptr("op-slow")})
	require.NoError(t, err)
	require.False(t, poller.Done())
	got, err := poller.PollUntilDone(context.Background(), fastPoll)
	require.NoError(t, err)
	require.True(t, poller.Done())
	// The terminal result carries the Execution; azfake.PollerResponder
	// cannot send Metrics.
	require.Equal(t, want.Execution, got.Execution)
	require.Equal(t, 1, calls, "the fake is called once per poller")
}

func TestBeginExecuteDoneAtOnce(t *testing.T) {
	srv := fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
			BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				resp.SetTerminalResponse(http.StatusOK, terminalExecution("fast"), nil)
				return
			},
		},
	}
	poller, err := newClient(t, &srv).NewExecutionClient().BeginExecute(context.Background(), oddIdentifier, azsessions.NewCodeRequest("1"), nil)
	require.NoError(t, err)
	require.True(t, poller.Done())
	got, err := poller.Result(context.Background())
	require.NoError(t, err)
	require.Equal(t, "fast", *got.Result.Stdout)
}

func TestBeginExecuteResumeToken(t *testing.T) {
	srv := fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
			BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				resp.AddNonTerminalResponse(http.StatusAccepted, nil)
				resp.AddNonTerminalResponse(http.StatusOK, nil)
				resp.SetTerminalResponse(http.StatusOK, terminalExecution("resumed"), nil)
				return
			},
		},
	}
	exec := newClient(t, &srv).NewExecutionClient()
	poller, err := exec.BeginExecute(context.Background(), oddIdentifier, azsessions.NewCodeRequest("1"), nil)
	require.NoError(t, err)
	_, err = poller.Poll(context.Background())
	require.NoError(t, err)
	require.False(t, poller.Done())
	token, err := poller.ResumeToken()
	require.NoError(t, err)

	resumed, err := exec.BeginExecute(context.Background(), "", azsessions.ExecutionRequest{}, &azsessions.ExecutionClientBeginExecuteOptions{ResumeToken: token})
	require.NoError(t, err)
	got, err := resumed.PollUntilDone(context.Background(), fastPoll)
	require.NoError(t, err)
	require.Equal(t, "resumed", *got.Result.Stdout)
}

// Pollers in progress at the same time, on the same session, each follow
// their own responder.
func TestBeginExecuteConcurrentPollers(t *testing.T) {
	srv := fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
			BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				for range 3 {
					resp.AddNonTerminalResponse(http.StatusAccepted, nil)
				}
				resp.SetTerminalResponse(http.StatusOK, terminalExecution(*request.Code), nil)
				return
			},
		},
	}
	exec := newClient(t, &srv).NewExecutionClient()
	codes := []string{"a", "b", "c", "d", "e", "f"}
	var wg sync.WaitGroup
	errs := make([]error, len(codes))
	got := make([]string, len(codes))
	for i, code := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			poller, err := exec.BeginExecute(context.Background(), "same", azsessions.NewCodeRequest(code), nil)
			if err != nil {
				errs[i] = err
				return
			}
			r, err := poller.PollUntilDone(context.Background(), fastPoll)
			if err != nil {
				errs[i] = err
				return
			}
			got[i] = *r.Result.Stdout
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, codes, got)
}

func TestBeginExecuteErrors(t *testing.T) {
	t.Run("initial", func(t *testing.T) {
		srv := fake.ServerFactory{
			ExecutionServer: fake.ExecutionServer{
				BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
					errResp.SetResponseError(http.StatusBadRequest, string(azsessions.ErrorCodeSessionPropertiesMissing))
					return
				},
			},
		}
		_, err := newClient(t, &srv).NewExecutionClient().BeginExecute(context.Background(), "s", azsessions.NewCodeRequest("1"), nil)
		requireResponseError(t, err, http.StatusBadRequest, "SessionPropertiesMissing")
		require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionPropertiesMissing))
	})
	t.Run("terminal", func(t *testing.T) {
		srv := fake.ServerFactory{
			ExecutionServer: fake.ExecutionServer{
				BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
					resp.AddNonTerminalResponse(http.StatusAccepted, nil)
					resp.SetTerminalError(http.StatusConflict, "SessionBusy")
					return
				},
			},
		}
		poller, err := newClient(t, &srv).NewExecutionClient().BeginExecute(context.Background(), "s", azsessions.NewCodeRequest("1"), nil)
		require.NoError(t, err)
		_, err = poller.PollUntilDone(context.Background(), fastPoll)
		requireResponseError(t, err, http.StatusConflict, "SessionBusy")
	})
	t.Run("polling error", func(t *testing.T) {
		srv := fake.ServerFactory{
			ExecutionServer: fake.ExecutionServer{
				BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
					resp.AddNonTerminalResponse(http.StatusAccepted, nil)
					resp.AddPollingError(errors.New("network down"))
					resp.SetTerminalResponse(http.StatusOK, terminalExecution("never"), nil)
					return
				},
			},
		}
		poller, err := newClient(t, &srv).NewExecutionClient().BeginExecute(context.Background(), "s", azsessions.NewCodeRequest("1"), nil)
		require.NoError(t, err)
		_, err = poller.PollUntilDone(context.Background(), fastPoll)
		require.ErrorContains(t, err, "network down")
	})
}
