package azsessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// defaultOutputCap is the service's default cap on stdout and stderr.
const defaultOutputCap = 4096

// ExecutionClient runs code in sessions. Get one from
// Client.NewExecutionClient. It is safe for concurrent use.
//
// Code is never run twice because the SDK retried on its own: every try of a
// call carries the same operation-id, and an execution is retried only when
// the service answered 429 or 503, which mean it did not run the code, or
// when the dial to the endpoint failed (refused, unresolved or timed out),
// which sent nothing. A proxy that cannot be reached is not retried: net/http
// reports it as a "proxyconnect" error, not a failed dial.
type ExecutionClient struct {
	c *Client
}

// Execute runs request in the session named identifier and waits for the
// result. A new identifier allocates a session on the fly.
//
// Code that raises, times out or runs out of memory is not a Go error: the
// call succeeded and the returned Execution says what happened (see
// Execution.Succeeded and Execution.Failure). An error is returned for
// invalid arguments (test with errors.Is), for HTTP failures
// (*azcore.ResponseError) and for transport failures.
//
// If the service answers that the execution is still running (202, or a
// status of NotStarted or Running), Execute polls it until it ends, without
// running the code again.
//
// Execute waits as long as ctx allows. Give it a deadline (the service stops
// any execution after 220 seconds, so a few minutes is plenty) so that an
// answer lost on the network cannot hang the caller. When request sets no
// TimeoutInSeconds, the time ctx has left, or ClientOptions.Retry.TryTimeout
// when that is shorter, is sent as timeoutInSeconds (in whole seconds below
// it, at least 1, at most 220), so that the service stops the code, and
// frees the session, when the caller stops waiting. Each try sends the time
// left when it is sent (after a 429's Retry-After wait, and after the token
// fetch, which counts against the try's TryTimeout).
//
// When ctx ends, or the try's TryTimeout passes, before the answer, the
// error is an *ExecutionInterruptedError: it wraps the context's error
// (errors.Is(err, context.DeadlineExceeded) holds) and carries the
// execution's operation id and session, with which ExecutionClient.Get
// fetches the result later. A TryTimeout that passes before the request
// was sent (while the credential fetches its token, or net/http connects)
// is not an interruption: nothing ran, and the error is returned as it is.
// An answer lost after the request was sent (the connection closed or
// reset before its status came) is an *ExecutionInterruptedError too,
// wrapping net/http's error: the code may be running; a dial that failed,
// which sent nothing, is not. (A ClientOptions.Transport that is not
// net/http's does not say what it sent: its errors are returned as they
// are.)
// Once the service has answered, the execution exists, and every failure is
// an *ExecutionInterruptedError too, wrapping its cause: an answer too
// large to read (ErrResponseTooLarge), cut off before its end (the
// connection reset, say), or that is no execution (ErrInvalidResponse), an
// Operation-Location the SDK will not poll (ErrUntrustedURL), or a poll
// that failed (an *azcore.ResponseError, say, after azcore's retries).
func (client *ExecutionClient) Execute(ctx context.Context, identifier string, request ExecutionRequest, options *ExecutionClientExecuteOptions) (resp ExecutionClientExecuteResponse, err error) {
	const operationName = "ExecutionClient.Execute"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	if options == nil {
		options = &ExecutionClientExecuteOptions{}
	}
	request, perTry := withDeadlineTimeout(ctx, client.c.singleRun.TryTimeout, request)
	// The execution's request alone carries these; polls do not.
	reqCtx, tries := client.trackTries(perTry.tag(ctx))
	req, err := client.executeRequest(reqCtx, identifier, request, ExecutionTypeSynchronous, options.OperationID)
	if err != nil {
		return ExecutionClientExecuteResponse{}, err
	}
	opID := req.Raw().Header.Get(headerOperationID)
	httpResp, err := client.c.internal.Pipeline().Do(req)
	if err != nil {
		return ExecutionClientExecuteResponse{}, client.interrupted(ctx, opID, identifier, tries, err)
	}
	if !runtime.HasStatusCode(httpResp, http.StatusOK, http.StatusAccepted) {
		return ExecutionClientExecuteResponse{}, runtime.NewResponseError(httpResp)
	}
	resp, err = executeResponse(httpResp, outputCap(request))
	if err != nil {
		return ExecutionClientExecuteResponse{}, client.answered(ctx, opID, identifier, err)
	}
	if !stillRunning(httpResp, resp) {
		return resp, nil
	}
	// Some service revisions answer a synchronous request with 202 and a
	// running execution: wait for it here, as the caller asked.
	resp, err = client.waitFor(ctx, identifier, httpResp, resp, outputCap(request))
	if err != nil {
		return ExecutionClientExecuteResponse{}, client.answered(ctx, opID, identifier, err)
	}
	return resp, nil
}

// interrupted returns err, the failure of an execution's request, as an
// *ExecutionInterruptedError when the execution may exist: ctx ended; or a
// try reached the transport (tries) and its answer did not come, after
// which the code may be running all the same: the try's deadline
// (ClientOptions.Retry.TryTimeout) passed, or net/http wrote the request
// and the connection closed or reset; or the service answered, and the
// execution exists, but the answer could not be read (too large, cut off,
// or not an execution). Other errors, such as a failed dial or a try's
// deadline passing while the credential fetched its token, sent nothing
// and are returned as they are; so are a transport's of its own (azcore's
// fake), which does not say whether it sent anything.
func (client *ExecutionClient) interrupted(ctx context.Context, operationID, identifier string, tries *tryLog, err error) error {
	switch {
	case ctx.Err() != nil:
	case tries.acted() && client.c.singleRun.TryTimeout > 0 && errors.Is(err, context.DeadlineExceeded):
		// The try's deadline ended the wait; ctx lives on.
	case tries.lost():
		// The answer was lost on the way; ctx lives on.
	case errors.Is(err, ErrResponseTooLarge), errors.Is(err, ErrInvalidResponse), answerCut(err):
	default:
		return err
	}
	return &ExecutionInterruptedError{OperationID: operationID, Identifier: identifier, Err: client.withContextError(ctx, err)}
}

// answered returns err, a failure after the service answered an
// execution's request with success, as an *ExecutionInterruptedError: the
// service has the execution, whatever kept the SDK from its result (an
// answer it could not read, an Operation-Location it will not poll, a
// failed poll, ctx's end).
func (client *ExecutionClient) answered(ctx context.Context, operationID, identifier string, err error) error {
	return &ExecutionInterruptedError{OperationID: operationID, Identifier: identifier, Err: client.withContextError(ctx, err)}
}

// withContextError returns err so that it wraps ctx's error when ctx has
// ended: errors.Is then finds both, ctx's error and what err wraps.
func (client *ExecutionClient) withContextError(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("%w (%w)", ctxErr, err)
	}
	return err
}

// trackTries returns ctx with a tryLog for an execution's request, which
// interrupted reads: a failure is an interruption only if a try may have
// reached the service.
func (client *ExecutionClient) trackTries(ctx context.Context) (context.Context, *tryLog) {
	return withTryLog(ctx)
}

// BeginExecute starts request in the session named identifier as an
// asynchronous execution and returns a poller that follows it to the end.
//
// The poller follows the Operation-Location the service returns, relative or
// absolute (but only on the endpoint's host), and also copes with a service
// that finished the execution at once. Cancelling the context given to
// PollUntilDone stops polling; it does not stop the execution, which the
// service has no way to cancel. Save Poller.ResumeToken to resume polling
// later with ExecutionClientBeginExecuteOptions.ResumeToken. As with Execute, code that
// fails is reported in the result, not as an error, and a failure once the
// service has answered (an answer the SDK cannot read, an Operation-Location
// it will not poll) is an *ExecutionInterruptedError naming the execution's
// operation id.
//
// PollUntilDone polls on a schedule fit for code: when the service sends no
// Retry-After, each answer of a running execution carries a Retry-After-Ms
// of 250 ms for the first six polls (about 1.5 s), then 500 ms, 1 s and 2 s
// for three polls each, then 4 s. Execute waits for an execution the same
// way. For a fixed wait instead, set
// ExecutionClientBeginExecuteOptions.PollFrequency: the schedule takes
// precedence over PollUntilDoneOptions.Frequency, which azcore does not show
// to the poller. A Retry-After from the service wins over both, up to 60 s:
// a longer wait (a day, say, from a broken proxy), after any answer,
// including the first, is cut to 60 s, so that a poll comes at least once a
// minute. A poll answered 429 or 503 with a Retry-After over
// ClientOptions.Retry.MaxRetryDelay (default 60 s) is not retried: azcore's
// retry policy gives up, and the poll fails with that answer.
func (client *ExecutionClient) BeginExecute(ctx context.Context, identifier string, request ExecutionRequest, options *ExecutionClientBeginExecuteOptions) (*runtime.Poller[ExecutionClientExecuteResponse], error) {
	const operationName = "ExecutionClient.BeginExecute"
	ctx = withAPIName(ctx, operationName)
	if options == nil {
		options = &ExecutionClientBeginExecuteOptions{}
	}
	pl := client.c.internal.Pipeline()
	tracer := client.c.internal.Tracer()
	if options.ResumeToken != "" {
		return client.resume(options.ResumeToken, options.PollFrequency)
	}
	var err error
	ctx, endSpan := runtime.StartSpan(ctx, operationName, tracer, nil)
	defer func() { endSpan(err) }()
	ctx, tries := client.trackTries(ctx)
	req, err := client.executeRequest(ctx, identifier, request, ExecutionTypeAsynchronous, options.OperationID)
	if err != nil {
		return nil, err
	}
	resp, err := pl.Do(req)
	if err != nil {
		// The service may have started the execution: say its id.
		err = client.interrupted(ctx, req.Raw().Header.Get(headerOperationID), identifier, tries, err)
		return nil, err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK, http.StatusCreated, http.StatusAccepted) {
		err = runtime.NewResponseError(resp)
		return nil, err
	}
	if resp.Header.Get("Fake-Poller-Status") != "" {
		// azcore's fake transport drives its own poller; a custom handler
		// would hide it from fake.PollerResponder.
		return runtime.NewPoller[ExecutionClientExecuteResponse](resp, pl, &runtime.NewPollerOptions[ExecutionClientExecuteResponse]{Tracer: tracer})
	}
	handler, err := newExecutionPoller(client, identifier, resp, outputCap(request))
	if err != nil {
		// Polling it or not, the service has the execution: say its id.
		err = client.answered(ctx, req.Raw().Header.Get(headerOperationID), identifier, err)
		return nil, err
	}
	handler.frequency = options.PollFrequency
	return runtime.NewPoller(resp, pl, &runtime.NewPollerOptions[ExecutionClientExecuteResponse]{Handler: handler, Tracer: tracer})
}

// resume rebuilds the poller of BeginExecute from a resume token; frequency
// is the caller's PollFrequency.
func (client *ExecutionClient) resume(token string, frequency time.Duration) (*runtime.Poller[ExecutionClientExecuteResponse], error) {
	handler := &executionPoller{client: client, frequency: frequency}
	poller, err := runtime.NewPollerFromResumeToken(token, client.c.internal.Pipeline(), &runtime.NewPollerFromResumeTokenOptions[ExecutionClientExecuteResponse]{
		Handler: handler,
		Tracer:  client.c.internal.Tracer(),
	})
	if err != nil {
		return nil, fmt.Errorf("%w: resume token: %v", ErrInvalidArgument, err)
	}
	// A token is caller input: one edited, or made by a client of another
	// pool, must not send this client's credential elsewhere. The SDK's
	// tokens hold an absolute URL: it makes none of a finished poller.
	pollURL := handler.PollURL
	if !handler.fromToken {
		// azcore resumed a token shaped like its fake transport's with
		// its own poller, which polls the token's fakeURL.
		pollURL = fakePollURL(token)
	}
	if u, err := url.Parse(pollURL); err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("%w: resume token holds no absolute poll URL", ErrInvalidArgument)
	}
	if _, err := client.c.trustedURL(pollURL); err != nil {
		return nil, fmt.Errorf("resume token: %w", err)
	}
	return poller, nil
}

// fakePollURL returns the URL the poller of azcore's fake transport polls
// when it resumes token, or "" when token has none.
func fakePollURL(token string) string {
	var t struct {
		Token struct {
			FakeURL string `json:"fakeURL"`
		} `json:"token"`
	}
	_ = json.Unmarshal([]byte(token), &t)
	return t.Token.FakeURL
}

// Get returns the state of the execution executionID in the session
// named identifier, with its result once it has finished.
func (client *ExecutionClient) Get(ctx context.Context, identifier string, executionID string, options *ExecutionClientGetOptions) (resp ExecutionClientGetResponse, err error) {
	const operationName = "ExecutionClient.Get"
	ctx = withAPIName(ctx, operationName)
	ctx, endSpan := runtime.StartSpan(ctx, operationName, client.c.internal.Tracer(), nil)
	defer func() { endSpan(err) }()
	if err := checkIdentifier(identifier); err != nil {
		return ExecutionClientGetResponse{}, err
	}
	if err := checkExecutionID("executionID", executionID); err != nil {
		return ExecutionClientGetResponse{}, err
	}
	cap := defaultOutputCap
	if options != nil && options.OutputStreamsMaxLength != nil && *options.OutputStreamsMaxLength > 0 {
		cap = int(*options.OutputStreamsMaxLength)
	}
	ctx = withExecutionLimit(ctx, cap)
	req, err := client.c.newRequest(ctx, http.MethodGet, "/executions/"+url.PathEscape(executionID), identifier, nil)
	if err != nil {
		return ExecutionClientGetResponse{}, err
	}
	httpResp, err := client.c.internal.Pipeline().Do(req)
	if err != nil {
		return ExecutionClientGetResponse{}, namedExecution(executionID, err)
	}
	if !runtime.HasStatusCode(httpResp, http.StatusOK) {
		return ExecutionClientGetResponse{}, runtime.NewResponseError(httpResp)
	}
	r, err := executeResponse(httpResp, cap)
	if err != nil {
		return ExecutionClientGetResponse{}, namedExecution(executionID, err)
	}
	return ExecutionClientGetResponse(r), nil
}

// namedExecution names the execution id in an error about an answer that
// could not be read (ErrResponseTooLarge, ErrInvalidResponse), whose text
// says nothing of the request; other errors (*azcore.ResponseError,
// net/http's) already give the URL, and are returned as they are.
func namedExecution(id string, err error) error {
	if errors.Is(err, ErrResponseTooLarge) || errors.Is(err, ErrInvalidResponse) {
		return fmt.Errorf("execution %s: %w", id, err)
	}
	return err
}

// stillRunning tells whether the answer to a synchronous execution says it
// has not finished: a status of NotStarted or Running, or a 202 with neither
// a status nor a result. Anything else is returned as it came, even a status
// the SDK does not know: polling for it could lose a result already in hand.
func stillRunning(httpResp *http.Response, resp ExecutionClientExecuteResponse) bool {
	if resp.Status == nil {
		return httpResp.StatusCode == http.StatusAccepted && resp.Result == nil
	}
	return resp.Status.running()
}

// waitFor polls the execution started by first until it ends. The timing
// headers of the first response are kept when the last one has none.
func (client *ExecutionClient) waitFor(ctx context.Context, identifier string, first *http.Response, started ExecutionClientExecuteResponse, cap int) (ExecutionClientExecuteResponse, error) {
	handler, err := newExecutionPoller(client, identifier, first, cap)
	if err != nil {
		return ExecutionClientExecuteResponse{}, err
	}
	handler.apiName = "ExecutionClient.Get"
	handler.callerNamesID = true
	poller, err := runtime.NewPoller(first, client.c.internal.Pipeline(), &runtime.NewPollerOptions[ExecutionClientExecuteResponse]{Handler: handler})
	if err != nil {
		return ExecutionClientExecuteResponse{}, err
	}
	resp, err := poller.PollUntilDone(ctx, nil)
	if err != nil {
		return ExecutionClientExecuteResponse{}, err
	}
	if resp.Metrics == (Metrics{}) {
		resp.Metrics = started.Metrics
	}
	if resp.OperationID == nil {
		resp.OperationID = started.OperationID
	}
	return resp, nil
}

// executeRequest validates the arguments and builds POST /executions.
func (client *ExecutionClient) executeRequest(ctx context.Context, identifier string, request ExecutionRequest, t ExecutionType, opID *string) (*policy.Request, error) {
	if err := checkIdentifier(identifier); err != nil {
		return nil, err
	}
	if err := checkExecutionRequest(request); err != nil {
		return nil, err
	}
	id, err := operationID(opID)
	if err != nil {
		return nil, err
	}
	ctx = policy.WithRetryOptions(ctx, client.c.singleRun)
	ctx = withExecutionLimit(ctx, outputCap(request))
	req, err := client.c.newRequest(ctx, http.MethodPost, "/executions", identifier, nil)
	if err != nil {
		return nil, err
	}
	req.Raw().Header.Set(headerOperationID, id)
	if err := runtime.MarshalAsJSON(req, request.body(t)); err != nil {
		return nil, err
	}
	return req, nil
}

// executeResponse reads an execution body and its headers.
func executeResponse(httpResp *http.Response, cap int) (ExecutionClientExecuteResponse, error) {
	resp := ExecutionClientExecuteResponse{Metrics: parseMetrics(httpResp.Header), OperationID: parseStringHeader(httpResp.Header.Get(headerOperationID))}
	payload, err := jsonBody(httpResp)
	if err != nil {
		return ExecutionClientExecuteResponse{}, err
	}
	// A 202 may carry only headers (Operation-Location, operation-id), and
	// a body of null says no more, as BeginExecute's poller reads it; a 200
	// must say how the execution went.
	if httpResp.StatusCode != http.StatusAccepted || !noDocument(payload) {
		if err := readExecution(httpResp, &resp.Execution); err != nil {
			return ExecutionClientExecuteResponse{}, err
		}
	}
	markTruncation(resp.Result, cap)
	if resp.ID == nil {
		resp.ID = resp.OperationID
	}
	return resp, nil
}

// executionBody is what an execution answer holds, for ErrInvalidResponse.
const executionBody = "an execution (JSON)"

// readExecution reads the body of httpResp, which must hold an execution,
// into e.
func readExecution(httpResp *http.Response, e *Execution) error {
	payload, err := requiredBody(httpResp, executionBody)
	if err != nil {
		return err
	}
	if err := decodeExecution(payload, e); err != nil {
		return unreadableBody(httpResp, executionBody, err)
	}
	return nil
}

// outputCap is the stream cap the service applied to request.
func outputCap(request ExecutionRequest) int {
	if request.OutputStreamsMaxLength != nil && *request.OutputStreamsMaxLength > 0 {
		return int(*request.OutputStreamsMaxLength)
	}
	return defaultOutputCap
}

// markTruncation flags streams exactly as long as the cap: the service drops
// what follows without a marker, so output that fills the cap was probably
// cut. Both characters and bytes are compared, as pools differ in which they
// count. Get does not know the cap the execution ran with and
// assumes the default; a stream longer than that cannot have been cut at it.
func markTruncation(r *ExecutionResult, cap int) {
	if r == nil || cap <= 0 {
		return
	}
	atCap := func(s *string) bool {
		return s != nil && (len(*s) == cap || utf8.RuneCountInString(*s) == cap)
	}
	r.StdoutTruncated = atCap(r.Stdout)
	r.StderrTruncated = atCap(r.Stderr)
}

// operationID returns the caller's ID or a new one.
func operationID(id *string) (string, error) {
	if id != nil {
		// It is sent as a header and names the execution in the URL path
		// of Get and of the poller.
		if err := checkExecutionID("OperationID", *id); err != nil {
			return "", err
		}
		return *id, nil
	}
	return newUUID()
}

// executionRequestBody is the flat JSON body of POST /executions.
type executionRequestBody struct {
	CodeInputType                      *CodeInputType `json:"codeInputType,omitempty"`
	ExecutionType                      *ExecutionType `json:"executionType,omitempty"`
	Code                               *string        `json:"code,omitempty"`
	TimeoutInSeconds                   *int32         `json:"timeoutInSeconds,omitempty"`
	OutputStreamsMaxLength             *int32         `json:"outputStreamsMaxLength,omitempty"`
	UseEmptyKernel                     *bool          `json:"useEmptyKernel,omitempty"`
	ReturnJupyterFormatExecutionResult *bool          `json:"returnJupyterFormatExecutionResult,omitempty"`
	ShellCommand                       *string        `json:"shellCommand,omitempty"`
	ExecCommandAndArgs                 []string       `json:"execCommandAndArgs,omitempty"`
	Stdin                              *string        `json:"stdin,omitempty"`
}

func (r ExecutionRequest) isShell() bool {
	return r.ShellCommand != nil || len(r.ExecCommandAndArgs) > 0
}

// body builds the wire body. Shell pools reject codeInputType and, for
// synchronous runs, executionType, so they are only sent for code.
func (r ExecutionRequest) body(t ExecutionType) executionRequestBody {
	b := executionRequestBody{
		Code:                               r.Code,
		CodeInputType:                      r.CodeInputType,
		TimeoutInSeconds:                   r.TimeoutInSeconds,
		OutputStreamsMaxLength:             r.OutputStreamsMaxLength,
		UseEmptyKernel:                     r.UseEmptyKernel,
		ReturnJupyterFormatExecutionResult: r.ReturnJupyterFormatExecutionResult,
		ShellCommand:                       r.ShellCommand,
		ExecCommandAndArgs:                 r.ExecCommandAndArgs,
		Stdin:                              r.Stdin,
	}
	if r.Code != nil && b.CodeInputType == nil {
		inline := CodeInputTypeInline
		b.CodeInputType = &inline
	}
	if !r.isShell() || t == ExecutionTypeAsynchronous {
		b.ExecutionType = &t
	}
	return b
}
