package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

const endpoint = "https://fake.dynamicsessions.io/subscriptions/x/resourceGroups/y/sessionPools/z"

// oddIdentifier needs escaping in a query.
const oddIdentifier = "a b&c#d/é"

// oddNames need escaping in a path or quoting in a multipart header.
var oddNames = []string{"plain.txt", "with space.txt", "ünïcødé 文件.csv", "hash#1", "per%cent%41", "amp&er+plus", `quote"d`, "semi;colon=eq?", "content"}

func newClient(t *testing.T, srv *fake.Server) *azsessions.Client {
	t.Helper()
	client, err := azsessions.NewClient(endpoint, &azfake.TokenCredential{}, &azsessions.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: fake.NewServerTransport(srv)},
	})
	require.NoError(t, err)
	return client
}

var (
	fileTime = time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.UTC)
	sessTime = time.Date(2025, 3, 4, 5, 0, 0, 0, time.UTC)
)

func durationPtr(d time.Duration) *time.Duration { return &d }

func fullMetrics() azsessions.Metrics {
	return azsessions.Metrics{
		ExecutionRequestTime:       durationPtr(5011 * time.Millisecond),
		ExecutionReadResponseTime:  durationPtr(1500 * time.Microsecond),
		TotalExecutionServiceTime:  durationPtr(42*time.Minute + 56970311818*time.Nanosecond),
		ContainerExecutionDuration: durationPtr(0),
		PreparationTime:            durationPtr(3 * time.Millisecond),
		AllocationTime:             durationPtr(4 * time.Millisecond),
		OverallExecutionTime:       durationPtr(6 * time.Second),
		AllocationRetries:          to.Ptr(2),
		NewAllocation:              to.Ptr(true),
		SessionGUID:                to.Ptr("6f1a8e1c-guid"),
	}
}

func requireResponseError(t *testing.T, err error, status int, code string) {
	t.Helper()
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, status, re.StatusCode)
	require.Equal(t, code, re.ErrorCode)
}

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
	srv := fake.Server{
		Execute: func(ctx context.Context, identifier string, got azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
			calls++
			require.NotNil(t, ctx)
			require.Equal(t, oddIdentifier, identifier)
			require.Equal(t, request, got)
			require.Equal(t, &azsessions.ExecutionClientExecuteOptions{OperationID: to.Ptr("op-1")}, options)
			resp.SetResponse(http.StatusOK, want, nil)
			return
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

func TestExecuteAnswered202WaitsThroughGetExecution(t *testing.T) {
	// A pool that answers a synchronous execution with 202 and a running
	// execution: Execute waits for it with GET /executions/{id}, which the
	// fake serves with GetExecution.
	running := azsessions.ExecutionClientExecuteResponse{Execution: azsessions.Execution{
		ID:     to.Ptr("op-slow"),
		Status: to.Ptr(azsessions.ExecutionStatusRunning),
	}}
	var gets int
	srv := fake.Server{
		Execute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
			resp.SetResponse(http.StatusAccepted, running, nil)
			return
		},
		GetExecution: func(ctx context.Context, identifier string, id string, options *azsessions.ExecutionClientGetOptions) (resp azfake.Responder[azsessions.ExecutionClientGetResponse], errResp azfake.ErrorResponder) {
			gets++
			require.Equal(t, oddIdentifier, identifier)
			require.Equal(t, "op-slow", id)
			resp.SetResponse(http.StatusOK, azsessions.ExecutionClientGetResponse(terminalExecution("done")), nil)
			return
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
	srv := fake.Server{
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
			srv := fake.Server{
				Execute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
					resp.SetResponse(http.StatusOK, azsessions.ExecutionClientExecuteResponse{Execution: azsessions.Execution{
						ID: options.OperationID, Status: to.Ptr(tc.status), Result: &tc.result,
					}}, nil)
					return
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

func TestGetExecution(t *testing.T) {
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
	srv := fake.Server{
		GetExecution: func(ctx context.Context, identifier string, id string, options *azsessions.ExecutionClientGetOptions) (resp azfake.Responder[azsessions.ExecutionClientGetResponse], errResp azfake.ErrorResponder) {
			require.Equal(t, oddIdentifier, identifier)
			require.Equal(t, executionID, id)
			require.Nil(t, options)
			resp.SetResponse(http.StatusOK, want, nil)
			return
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
	srv := fake.Server{
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
	srv := fake.Server{
		BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
			resp.SetTerminalResponse(http.StatusOK, terminalExecution("fast"), nil)
			return
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
	srv := fake.Server{
		BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
			resp.AddNonTerminalResponse(http.StatusAccepted, nil)
			resp.AddNonTerminalResponse(http.StatusOK, nil)
			resp.SetTerminalResponse(http.StatusOK, terminalExecution("resumed"), nil)
			return
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
	srv := fake.Server{
		BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
			for range 3 {
				resp.AddNonTerminalResponse(http.StatusAccepted, nil)
			}
			resp.SetTerminalResponse(http.StatusOK, terminalExecution(*request.Code), nil)
			return
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
		srv := fake.Server{
			BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				errResp.SetResponseError(http.StatusBadRequest, string(azsessions.ErrorCodeSessionPropertiesMissing))
				return
			},
		}
		_, err := newClient(t, &srv).NewExecutionClient().BeginExecute(context.Background(), "s", azsessions.NewCodeRequest("1"), nil)
		requireResponseError(t, err, http.StatusBadRequest, "SessionPropertiesMissing")
		require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionPropertiesMissing))
	})
	t.Run("terminal", func(t *testing.T) {
		srv := fake.Server{
			BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				resp.AddNonTerminalResponse(http.StatusAccepted, nil)
				resp.SetTerminalError(http.StatusConflict, "SessionBusy")
				return
			},
		}
		poller, err := newClient(t, &srv).NewExecutionClient().BeginExecute(context.Background(), "s", azsessions.NewCodeRequest("1"), nil)
		require.NoError(t, err)
		_, err = poller.PollUntilDone(context.Background(), fastPoll)
		requireResponseError(t, err, http.StatusConflict, "SessionBusy")
	})
	t.Run("polling error", func(t *testing.T) {
		srv := fake.Server{
			BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
				resp.AddNonTerminalResponse(http.StatusAccepted, nil)
				resp.AddPollingError(errors.New("network down"))
				resp.SetTerminalResponse(http.StatusOK, terminalExecution("never"), nil)
				return
			},
		}
		poller, err := newClient(t, &srv).NewExecutionClient().BeginExecute(context.Background(), "s", azsessions.NewCodeRequest("1"), nil)
		require.NoError(t, err)
		_, err = poller.PollUntilDone(context.Background(), fastPoll)
		require.ErrorContains(t, err, "network down")
	})
}

func TestUpload(t *testing.T) {
	content := []byte("skip-me|" + strings.Repeat("data\x00\xff\r\n--", 1000))
	for _, name := range oddNames {
		t.Run(name, func(t *testing.T) {
			srv := fake.Server{
				Upload: func(ctx context.Context, identifier string, gotName string, body io.ReadSeeker, options *azsessions.FilesClientUploadOptions) (resp azfake.Responder[azsessions.FilesClientUploadResponse], errResp azfake.ErrorResponder) {
					require.Equal(t, oddIdentifier, identifier)
					require.Equal(t, name, gotName)
					require.Equal(t, &azsessions.FilesClientUploadOptions{Path: to.Ptr("dir/sub dir é#"), ContentType: to.Ptr("text/csv; charset=utf-8")}, options)
					data, err := io.ReadAll(body)
					require.NoError(t, err)
					require.Equal(t, content[len("skip-me|"):], data)
					resp.SetResponse(http.StatusCreated, azsessions.FilesClientUploadResponse{File: azsessions.File{
						Name: &gotName, Type: to.Ptr(azsessions.FileTypeFile), SizeInBytes: to.Ptr(int64(len(data))),
						ContentType: to.Ptr("text/csv"), LastModifiedAt: &fileTime, Directory: options.Path,
					}}, nil)
					return
				},
			}
			body := bytes.NewReader(content)
			_, err := body.Seek(int64(len("skip-me|")), io.SeekStart)
			require.NoError(t, err)
			got, err := newClient(t, &srv).NewFilesClient().Upload(context.Background(), oddIdentifier, name, body, &azsessions.FilesClientUploadOptions{
				Path: to.Ptr("dir/sub dir é#"), ContentType: to.Ptr("text/csv; charset=utf-8"),
			})
			require.NoError(t, err)
			require.Equal(t, azsessions.File{
				Name: &name, Type: to.Ptr(azsessions.FileTypeFile), SizeInBytes: to.Ptr(int64(len(content) - len("skip-me|"))),
				ContentType: to.Ptr("text/csv"), LastModifiedAt: &fileTime, Directory: to.Ptr("dir/sub dir é#"),
			}, got.File)
		})
	}
}

func TestUploadNoOptions(t *testing.T) {
	srv := fake.Server{
		Upload: func(ctx context.Context, identifier string, name string, body io.ReadSeeker, options *azsessions.FilesClientUploadOptions) (resp azfake.Responder[azsessions.FilesClientUploadResponse], errResp azfake.ErrorResponder) {
			require.Nil(t, options)
			data, err := io.ReadAll(body)
			require.NoError(t, err)
			require.Empty(t, data)
			resp.SetResponse(http.StatusOK, azsessions.FilesClientUploadResponse{File: azsessions.File{Name: &name}}, nil)
			return
		},
	}
	got, err := newClient(t, &srv).NewFilesClient().Upload(context.Background(), "s", "empty", bytes.NewReader(nil), nil)
	require.NoError(t, err)
	require.Equal(t, "empty", *got.Name)
}

func filePage(names ...string) azsessions.FilesClientListResponse {
	var page azsessions.FilesClientListResponse
	for _, n := range names {
		page.Value = append(page.Value, &azsessions.File{Name: to.Ptr(n), Type: to.Ptr(azsessions.FileTypeFile), SizeInBytes: to.Ptr[int64](1), LastModifiedAt: &fileTime})
	}
	return page
}

func TestListFilesPager(t *testing.T) {
	var calls int
	srv := fake.Server{
		NewListFilesPager: func(identifier string, options *azsessions.FilesClientListOptions) (resp azfake.PagerResponder[azsessions.FilesClientListResponse]) {
			calls++
			require.Equal(t, oddIdentifier, identifier)
			require.Equal(t, &azsessions.FilesClientListOptions{Path: to.Ptr("sub dir/é"), Recursive: to.Ptr(true)}, options)
			resp.AddPage(http.StatusOK, filePage(oddNames[0], oddNames[1]), nil)
			resp.AddPage(http.StatusOK, filePage(oddNames[2]), nil)
			resp.AddPage(http.StatusOK, filePage(oddNames[3:]...), nil)
			return
		},
	}
	pager := newClient(t, &srv).NewFilesClient().NewListPager(oddIdentifier, &azsessions.FilesClientListOptions{Path: to.Ptr("sub dir/é"), Recursive: to.Ptr(true)})
	var names []string
	pages := 0
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		require.NoError(t, err)
		pages++
		if pages < 3 {
			require.NotNil(t, page.NextLink)
		} else {
			require.Nil(t, page.NextLink)
		}
		for _, f := range page.Value {
			require.Equal(t, fileTime, *f.LastModifiedAt)
			names = append(names, *f.Name)
		}
	}
	require.Equal(t, 3, pages)
	require.Equal(t, oddNames, names)
	require.Equal(t, 1, calls)
}

func TestListFilesPagerError(t *testing.T) {
	srv := fake.Server{
		NewListFilesPager: func(identifier string, options *azsessions.FilesClientListOptions) (resp azfake.PagerResponder[azsessions.FilesClientListResponse]) {
			require.Nil(t, options)
			resp.AddPage(http.StatusOK, filePage("a"), nil)
			resp.AddResponseError(http.StatusNotFound, "DirectoryNotFound")
			return
		},
	}
	pager := newClient(t, &srv).NewFilesClient().NewListPager("s", nil)
	page, err := pager.NextPage(context.Background())
	require.NoError(t, err)
	require.Len(t, page.Value, 1)
	require.True(t, pager.More())
	_, err = pager.NextPage(context.Background())
	requireResponseError(t, err, http.StatusNotFound, "DirectoryNotFound")
}

// Pagers read in turns each get their own pages, even when the fake hands
// every one the same PagerResponder.
func TestListFilesPagersInterleaved(t *testing.T) {
	var shared azfake.PagerResponder[azsessions.FilesClientListResponse]
	shared.AddPage(http.StatusOK, filePage("1"), nil)
	shared.AddPage(http.StatusOK, filePage("2"), nil)
	shared.AddPage(http.StatusOK, filePage("3"), nil)
	srv := fake.Server{
		NewListFilesPager: func(identifier string, options *azsessions.FilesClientListOptions) azfake.PagerResponder[azsessions.FilesClientListResponse] {
			return shared
		},
	}
	files := newClient(t, &srv).NewFilesClient()
	a, b := files.NewListPager("s", nil), files.NewListPager("s", nil)
	var gotA, gotB []string
	for a.More() || b.More() {
		for _, p := range []struct {
			pager *runtime.Pager[azsessions.FilesClientListResponse]
			out   *[]string
		}{{a, &gotA}, {b, &gotB}} {
			if !p.pager.More() {
				continue
			}
			page, err := p.pager.NextPage(context.Background())
			require.NoError(t, err)
			for _, f := range page.Value {
				*p.out = append(*p.out, *f.Name)
			}
		}
	}
	require.Equal(t, []string{"1", "2", "3"}, gotA)
	require.Equal(t, []string{"1", "2", "3"}, gotB)
}

func TestGetFile(t *testing.T) {
	for _, name := range oddNames {
		t.Run(name, func(t *testing.T) {
			want := azsessions.File{Name: &name, Type: to.Ptr(azsessions.FileTypeFile), ContentType: to.Ptr("text/plain"), SizeInBytes: to.Ptr[int64](12), LastModifiedAt: &fileTime, Directory: to.Ptr("a+b")}
			srv := fake.Server{
				GetFile: func(ctx context.Context, identifier string, gotName string, options *azsessions.FilesClientGetOptions) (resp azfake.Responder[azsessions.FilesClientGetResponse], errResp azfake.ErrorResponder) {
					require.Equal(t, oddIdentifier, identifier)
					require.Equal(t, name, gotName)
					require.Equal(t, &azsessions.FilesClientGetOptions{Path: to.Ptr("a+b")}, options)
					resp.SetResponse(http.StatusOK, azsessions.FilesClientGetResponse{File: want}, nil)
					return
				},
			}
			got, err := newClient(t, &srv).NewFilesClient().Get(context.Background(), oddIdentifier, name, &azsessions.FilesClientGetOptions{Path: to.Ptr("a+b")})
			require.NoError(t, err)
			require.Equal(t, want, got.File)
		})
	}
}

func TestDownload(t *testing.T) {
	content := []byte("col1,col2\n\x00\xff binary\n")
	for _, modified := range []time.Time{fileTime, sessTime} {
		for _, name := range oddNames {
			t.Run(name, func(t *testing.T) {
				srv := fake.Server{
					Download: func(ctx context.Context, identifier string, gotName string, options *azsessions.FilesClientDownloadOptions) (resp azfake.Responder[azsessions.FilesClientDownloadResponse], errResp azfake.ErrorResponder) {
						require.Equal(t, oddIdentifier, identifier)
						require.Equal(t, name, gotName)
						require.Equal(t, &azsessions.FilesClientDownloadOptions{Path: to.Ptr("out dir")}, options)
						resp.SetResponse(http.StatusOK, azsessions.FilesClientDownloadResponse{
							Body:          io.NopCloser(bytes.NewReader(content)),
							ContentLength: to.Ptr(int64(len(content))),
							ContentType:   to.Ptr("text/csv"),
							LastModified:  &modified,
						}, nil)
						return
					},
				}
				got, err := newClient(t, &srv).NewFilesClient().Download(context.Background(), oddIdentifier, name, &azsessions.FilesClientDownloadOptions{Path: to.Ptr("out dir")})
				require.NoError(t, err)
				data, err := io.ReadAll(got.Body)
				require.NoError(t, err)
				require.NoError(t, got.Body.Close())
				require.Equal(t, content, data)
				require.Equal(t, int64(len(content)), *got.ContentLength)
				require.Equal(t, "text/csv", *got.ContentType)
				require.True(t, modified.Equal(*got.LastModified), "%v != %v", modified, *got.LastModified)
			})
		}
	}
}

func TestDownloadUnknownLength(t *testing.T) {
	srv := fake.Server{
		Download: func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDownloadOptions) (resp azfake.Responder[azsessions.FilesClientDownloadResponse], errResp azfake.ErrorResponder) {
			require.Nil(t, options)
			resp.SetResponse(http.StatusOK, azsessions.FilesClientDownloadResponse{Body: io.NopCloser(strings.NewReader("abc"))}, nil)
			return
		},
	}
	got, err := newClient(t, &srv).NewFilesClient().Download(context.Background(), "s", "f", nil)
	require.NoError(t, err)
	defer got.Body.Close()
	data, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	require.Equal(t, "abc", string(data))
	require.Nil(t, got.ContentLength)
	require.Nil(t, got.ContentType)
	require.Nil(t, got.LastModified)
}

func TestDeleteFile(t *testing.T) {
	for _, name := range oddNames {
		t.Run(name, func(t *testing.T) {
			srv := fake.Server{
				DeleteFile: func(ctx context.Context, identifier string, gotName string, options *azsessions.FilesClientDeleteOptions) (resp azfake.Responder[azsessions.FilesClientDeleteResponse], errResp azfake.ErrorResponder) {
					require.Equal(t, oddIdentifier, identifier)
					require.Equal(t, name, gotName)
					require.Nil(t, options)
					resp.SetResponse(http.StatusNoContent, azsessions.FilesClientDeleteResponse{}, nil)
					return
				},
			}
			_, err := newClient(t, &srv).NewFilesClient().Delete(context.Background(), oddIdentifier, name, nil)
			require.NoError(t, err)
		})
	}
	srv := fake.Server{
		DeleteFile: func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDeleteOptions) (resp azfake.Responder[azsessions.FilesClientDeleteResponse], errResp azfake.ErrorResponder) {
			require.Equal(t, &azsessions.FilesClientDeleteOptions{Path: to.Ptr("d")}, options)
			errResp.SetResponseError(http.StatusNotFound, "FileNotFound")
			return
		},
	}
	_, err := newClient(t, &srv).NewFilesClient().Delete(context.Background(), "s", "gone", &azsessions.FilesClientDeleteOptions{Path: to.Ptr("d")})
	requireResponseError(t, err, http.StatusNotFound, "FileNotFound")
}

func TestGetSession(t *testing.T) {
	want := azsessions.Session{
		Identifier:     to.Ptr(oddIdentifier),
		ExpiresAt:      to.Ptr(sessTime.Add(time.Hour)),
		CreatedAt:      &sessTime,
		LastAccessedAt: &fileTime,
		ETag:           to.Ptr(azcore.ETag(`"0x8DC"`)),
	}
	srv := fake.Server{
		GetSession: func(ctx context.Context, identifier string, options *azsessions.SessionsClientGetOptions) (resp azfake.Responder[azsessions.SessionsClientGetResponse], errResp azfake.ErrorResponder) {
			require.Equal(t, oddIdentifier, identifier)
			require.Nil(t, options)
			resp.SetResponse(http.StatusOK, azsessions.SessionsClientGetResponse{Session: want}, nil)
			return
		},
	}
	got, err := newClient(t, &srv).NewSessionsClient().Get(context.Background(), oddIdentifier, nil)
	require.NoError(t, err)
	require.Equal(t, want, got.Session)
}

func TestDeleteAndStopSession(t *testing.T) {
	var deleted, stopped string
	srv := fake.Server{
		DeleteSession: func(ctx context.Context, identifier string, options *azsessions.SessionsClientDeleteOptions) (resp azfake.Responder[azsessions.SessionsClientDeleteResponse], errResp azfake.ErrorResponder) {
			deleted = identifier
			resp.SetResponse(http.StatusOK, azsessions.SessionsClientDeleteResponse{}, nil)
			return
		},
		StopSession: func(ctx context.Context, identifier string, options *azsessions.SessionsClientStopOptions) (resp azfake.Responder[azsessions.SessionsClientStopResponse], errResp azfake.ErrorResponder) {
			stopped = identifier
			if identifier == "missing" {
				errResp.SetResponseError(http.StatusNotFound, string(azsessions.ErrorCodeSessionWithIdentifierNotFound))
				return
			}
			resp.SetResponse(http.StatusOK, azsessions.SessionsClientStopResponse{Message: "Session " + identifier + " stopped."}, nil)
			return
		},
	}
	sessions := newClient(t, &srv).NewSessionsClient()
	_, err := sessions.Delete(context.Background(), oddIdentifier, nil)
	require.NoError(t, err)
	require.Equal(t, oddIdentifier, deleted)
	got, err := sessions.Stop(context.Background(), oddIdentifier, nil)
	require.NoError(t, err)
	require.Equal(t, oddIdentifier, stopped)
	require.Equal(t, "Session "+oddIdentifier+" stopped.", got.Message)
	_, err = sessions.Stop(context.Background(), "missing", nil)
	require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionWithIdentifierNotFound))
	requireResponseError(t, err, http.StatusNotFound, "SessionWithIdentifierNotFound")
}

func TestListSessionsPager(t *testing.T) {
	page := func(ids ...string) azsessions.SessionsClientListResponse {
		var p azsessions.SessionsClientListResponse
		p.Count = to.Ptr[int64](5)
		for _, id := range ids {
			p.Value = append(p.Value, &azsessions.Session{Identifier: to.Ptr(id), CreatedAt: &sessTime, ExpiresAt: &fileTime})
		}
		return p
	}
	srv := fake.Server{
		NewListSessionsPager: func(options *azsessions.SessionsClientListOptions) (resp azfake.PagerResponder[azsessions.SessionsClientListResponse]) {
			require.Equal(t, &azsessions.SessionsClientListOptions{Skip: to.Ptr[int32](3)}, options)
			resp.AddPage(http.StatusOK, page("s1", oddIdentifier), nil)
			resp.AddPage(http.StatusOK, page("s3"), nil)
			return
		},
	}
	pager := newClient(t, &srv).NewSessionsClient().NewListPager(&azsessions.SessionsClientListOptions{Skip: to.Ptr[int32](3)})
	var ids []string
	for pager.More() {
		p, err := pager.NextPage(context.Background())
		require.NoError(t, err)
		require.Equal(t, int64(5), *p.Count)
		for _, s := range p.Value {
			require.Equal(t, sessTime, *s.CreatedAt)
			require.Equal(t, fileTime, *s.ExpiresAt)
			ids = append(ids, *s.Identifier)
		}
	}
	require.Equal(t, []string{"s1", oddIdentifier, "s3"}, ids)
}

func TestGetPoolMetadata(t *testing.T) {
	want := azsessions.PoolMetadata{
		Runtimes:             []*azsessions.NameVersion{{Name: to.Ptr("python"), Version: to.Ptr("3.12")}},
		PreInstalledPackages: []*azsessions.NameVersion{{Name: to.Ptr("numpy"), Version: to.Ptr("2.1")}, {Name: to.Ptr("pandas")}},
		JupyterKernel:        &azsessions.JupyterKernel{Name: to.Ptr("python3"), Version: to.Ptr("6.29"), ProjectURL: to.Ptr("https://ipython.org"), Description: to.Ptr("IPython")},
		CreatedAt:            &sessTime,
		LastUpdatedAt:        &fileTime,
	}
	srv := fake.Server{
		GetPoolMetadata: func(ctx context.Context, options *azsessions.SessionsClientGetPoolMetadataOptions) (resp azfake.Responder[azsessions.SessionsClientGetPoolMetadataResponse], errResp azfake.ErrorResponder) {
			require.Nil(t, options)
			resp.SetResponse(http.StatusOK, azsessions.SessionsClientGetPoolMetadataResponse{PoolMetadata: want}, nil)
			return
		},
	}
	got, err := newClient(t, &srv).NewSessionsClient().GetPoolMetadata(context.Background(), nil)
	require.NoError(t, err)
	require.Equal(t, want, got.PoolMetadata)
}

func TestSend(t *testing.T) {
	const path = "/api/run é/a b%+&;="
	srv := fake.Server{
		Send: func(ctx context.Context, identifier string, method string, gotPath string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
			require.Equal(t, oddIdentifier, identifier)
			require.Equal(t, http.MethodPost, method)
			require.Equal(t, path, gotPath)
			require.NotNil(t, body)
			data, err := io.ReadAll(body)
			require.NoError(t, err)
			require.Equal(t, `{"x":1}`, string(data))
			require.Equal(t, &azsessions.ContainerClientSendOptions{
				Header: map[string][]string{"Content-Type": {"application/json"}, "X-Custom": {"1", "2"}},
				Query:  map[string][]string{"q": {"a b", "c&d"}},
			}, options)
			resp.SetResponse(http.StatusTeapot, azsessions.ContainerClientSendResponse{Response: &http.Response{
				Header: http.Header{"X-Answer": {"42"}},
				Body:   io.NopCloser(strings.NewReader("short and stout")),
			}}, &azfake.SetResponseOptions{Header: http.Header{"X-From-Options": {"yes"}}})
			return
		},
	}
	got, err := newClient(t, &srv).NewContainerClient().Send(context.Background(), oddIdentifier, http.MethodPost, path, strings.NewReader(`{"x":1}`), &azsessions.ContainerClientSendOptions{
		Header: map[string][]string{"Content-Type": {"application/json"}, "x-custom": {"1", "2"}},
		Query:  map[string][]string{"q": {"a b", "c&d"}},
	})
	require.NoError(t, err)
	defer got.Body.Close()
	require.Equal(t, http.StatusTeapot, got.StatusCode)
	require.Equal(t, "42", got.Header.Get("X-Answer"))
	require.Equal(t, "yes", got.Header.Get("X-From-Options"))
	data, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	require.Equal(t, "short and stout", string(data))
}

func TestSendNoBody(t *testing.T) {
	srv := fake.Server{
		Send: func(ctx context.Context, identifier string, method string, path string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
			require.Equal(t, http.MethodGet, method)
			require.Equal(t, "/", path)
			require.Nil(t, body)
			require.Equal(t, &azsessions.ContainerClientSendOptions{OmitAPIVersion: true}, options)
			resp.SetResponse(http.StatusNoContent, azsessions.ContainerClientSendResponse{}, nil)
			return
		},
	}
	got, err := newClient(t, &srv).NewContainerClient().Send(context.Background(), "s", "", "", nil, &azsessions.ContainerClientSendOptions{OmitAPIVersion: true})
	require.NoError(t, err)
	defer got.Body.Close()
	require.Equal(t, http.StatusNoContent, got.StatusCode)
}

func TestErrorResponder(t *testing.T) {
	srv := fake.Server{
		Execute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
			errResp.SetResponseError(http.StatusBadRequest, string(azsessions.ErrorCodeSessionRequestValidationFailed))
			return
		},
		GetSession: func(ctx context.Context, identifier string, options *azsessions.SessionsClientGetOptions) (resp azfake.Responder[azsessions.SessionsClientGetResponse], errResp azfake.ErrorResponder) {
			errResp.SetError(errors.New("connection reset"))
			return
		},
	}
	client := newClient(t, &srv)
	_, err := client.NewExecutionClient().Execute(context.Background(), "s", azsessions.NewCodeRequest("1"), nil)
	requireResponseError(t, err, http.StatusBadRequest, "SessionRequestValidationFailed")
	require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionPropertiesMissing, azsessions.ErrorCodeSessionRequestValidationFailed))
	require.False(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionPropertiesMissing))

	_, err = client.NewSessionsClient().Get(context.Background(), "s", nil)
	require.ErrorContains(t, err, "connection reset")
	require.False(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionPropertiesMissing))
}

func TestUnexpectedStatus(t *testing.T) {
	srv := fake.Server{
		GetPoolMetadata: func(ctx context.Context, options *azsessions.SessionsClientGetPoolMetadataOptions) (resp azfake.Responder[azsessions.SessionsClientGetPoolMetadataResponse], errResp azfake.ErrorResponder) {
			resp.SetResponse(http.StatusCreated, azsessions.SessionsClientGetPoolMetadataResponse{}, nil)
			return
		},
	}
	start := time.Now()
	_, err := newClient(t, &srv).NewSessionsClient().GetPoolMetadata(context.Background(), nil)
	require.ErrorContains(t, err, "unexpected status code 201. acceptable values are http.StatusOK")
	require.Less(t, time.Since(start), 500*time.Millisecond, "a fake's error must not be retried")
}

func TestNotImplemented(t *testing.T) {
	client := newClient(t, &fake.Server{})
	ctx := context.Background()
	exec, files, sessions := client.NewExecutionClient(), client.NewFilesClient(), client.NewSessionsClient()
	calls := map[string]func() error{
		"Execute": func() error {
			_, err := exec.Execute(ctx, "s", azsessions.NewCodeRequest("1"), nil)
			return err
		},
		"BeginExecute": func() error {
			_, err := exec.BeginExecute(ctx, "s", azsessions.NewCodeRequest("1"), nil)
			return err
		},
		"GetExecution": func() error {
			_, err := exec.Get(ctx, "s", "op", nil)
			return err
		},
		"Upload": func() error {
			_, err := files.Upload(ctx, "s", "f", strings.NewReader("x"), nil)
			return err
		},
		"NewListFilesPager": func() error {
			_, err := files.NewListPager("s", nil).NextPage(ctx)
			return err
		},
		"GetFile": func() error {
			_, err := files.Get(ctx, "s", "f", nil)
			return err
		},
		"Download": func() error {
			_, err := files.Download(ctx, "s", "f", nil)
			return err
		},
		"DeleteFile": func() error {
			_, err := files.Delete(ctx, "s", "f", nil)
			return err
		},
		"GetSession": func() error {
			_, err := sessions.Get(ctx, "s", nil)
			return err
		},
		"DeleteSession": func() error {
			_, err := sessions.Delete(ctx, "s", nil)
			return err
		},
		"StopSession": func() error {
			_, err := sessions.Stop(ctx, "s", nil)
			return err
		},
		"NewListSessionsPager": func() error {
			_, err := sessions.NewListPager(nil).NextPage(ctx)
			return err
		},
		"GetPoolMetadata": func() error {
			_, err := sessions.GetPoolMetadata(ctx, nil)
			return err
		},
		"Send": func() error {
			_, err := client.NewContainerClient().Send(ctx, "s", http.MethodGet, "/", nil, nil)
			return err
		},
		"GetContainerSession": func() error {
			_, err := client.NewContainerClient().GetSession(ctx, "s", nil)
			return err
		},
		"NewListContainerSessionsPager": func() error {
			_, err := client.NewContainerClient().NewListSessionsPager(nil).NextPage(ctx)
			return err
		},
	}
	start := time.Now()
	for name, call := range calls {
		require.EqualError(t, call(), "fake for method "+name+" not implemented", name)
	}
	require.Less(t, time.Since(start), time.Second, "not-implemented errors must not be retried")
}

func TestTransportDispatch(t *testing.T) {
	transport := fake.NewServerTransport(&fake.Server{})
	req, err := http.NewRequest(http.MethodGet, endpoint+"/whatever", nil)
	require.NoError(t, err)
	_, err = transport.Do(req)
	require.ErrorContains(t, err, "missing value for CtxAPINameKey")

	req = req.WithContext(context.WithValue(context.Background(), runtime.CtxAPINameKey{}, "FilesClient.Rename"))
	_, err = transport.Do(req)
	require.EqualError(t, err, "unhandled API FilesClient.Rename")

	req = req.WithContext(context.WithValue(context.Background(), runtime.CtxAPINameKey{}, "FilesClient.NewListPager"))
	q := req.URL.Query()
	q.Set("fakePagerID", "99")
	req.URL.RawQuery = q.Encode()
	transport = fake.NewServerTransport(&fake.Server{
		NewListFilesPager: func(identifier string, options *azsessions.FilesClientListOptions) (resp azfake.PagerResponder[azsessions.FilesClientListResponse]) {
			t.Fatal("a nextLink must not start a pager")
			return
		},
	})
	_, err = transport.Do(req)
	require.ErrorContains(t, err, "no fake pager 99 in progress")

	transport = fake.NewServerTransport(&fake.Server{
		BeginExecute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
			t.Fatal("a poll must not start a poller")
			return
		},
	})
	req = req.WithContext(context.WithValue(context.Background(), runtime.CtxAPINameKey{}, "ExecutionClient.BeginExecute"))
	_, err = transport.Do(req)
	require.ErrorContains(t, err, "is not a request of a fake poller")
	q.Del("fakePagerID")
	q.Set("fakePollerID", "7")
	req.URL.RawQuery = q.Encode()
	_, err = transport.Do(req)
	require.ErrorContains(t, err, "no fake poller 7 in progress")
}

// A fake that does not return is abandoned when the call's context ends.
func TestContextCanceled(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := fake.Server{
		GetSession: func(ctx context.Context, identifier string, options *azsessions.SessionsClientGetOptions) (resp azfake.Responder[azsessions.SessionsClientGetResponse], errResp azfake.ErrorResponder) {
			<-release
			resp.SetResponse(http.StatusOK, azsessions.SessionsClientGetResponse{}, nil)
			return
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := newClient(t, &srv).NewSessionsClient().Get(ctx, "s", nil)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

// The transport's requests carry what the pipeline adds, such as the
// bearer token from azfake.TokenCredential.
func TestPipelineRuns(t *testing.T) {
	var auth string
	srv := fake.Server{
		Send: func(ctx context.Context, identifier string, method string, path string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder) {
			resp.SetResponse(http.StatusOK, azsessions.ContainerClientSendResponse{}, nil)
			return
		},
	}
	var captured *http.Response
	ctx := policy.WithCaptureResponse(context.Background(), &captured)
	got, err := newClient(t, &srv).NewContainerClient().Send(ctx, "s", http.MethodGet, "/x", nil, nil)
	require.NoError(t, err)
	defer got.Body.Close()
	auth = captured.Request.Header.Get("Authorization")
	require.True(t, strings.HasPrefix(auth, "Bearer "), auth)
}

func TestContainerSessions(t *testing.T) {
	want := azsessions.Session{Identifier: to.Ptr(oddIdentifier), CreatedAt: &sessTime, ExpiresAt: &fileTime}
	srv := fake.Server{
		GetContainerSession: func(ctx context.Context, identifier string, options *azsessions.ContainerClientGetSessionOptions) (resp azfake.Responder[azsessions.ContainerClientGetSessionResponse], errResp azfake.ErrorResponder) {
			if identifier != oddIdentifier {
				errResp.SetResponseError(http.StatusBadRequest, string(azsessions.ErrorCodeSessionWithIdentifierNotFound))
				return
			}
			resp.SetResponse(http.StatusOK, azsessions.ContainerClientGetSessionResponse{Session: want}, nil)
			return
		},
		NewListContainerSessionsPager: func(options *azsessions.ContainerClientListSessionsOptions) (resp azfake.PagerResponder[azsessions.ContainerClientListSessionsResponse]) {
			require.Equal(t, &azsessions.ContainerClientListSessionsOptions{Skip: to.Ptr[int32](1)}, options)
			for _, id := range []string{"s1", "s2"} {
				var page azsessions.ContainerClientListSessionsResponse
				page.Value = []*azsessions.Session{{Identifier: to.Ptr(id)}}
				page.Count = to.Ptr[int64](2)
				resp.AddPage(http.StatusOK, page, nil)
			}
			return
		},
	}
	containers := newClient(t, &srv).NewContainerClient()
	got, err := containers.GetSession(context.Background(), oddIdentifier, nil)
	require.NoError(t, err)
	require.Equal(t, want, got.Session)
	_, err = containers.GetSession(context.Background(), "missing", nil)
	require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionWithIdentifierNotFound))

	pager := containers.NewListSessionsPager(&azsessions.ContainerClientListSessionsOptions{Skip: to.Ptr[int32](1)})
	var ids []string
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		require.NoError(t, err)
		require.Equal(t, int64(2), *page.Count)
		for _, s := range page.Value {
			ids = append(ids, *s.Identifier)
		}
	}
	require.Equal(t, []string{"s1", "s2"}, ids)
}
