package azsessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// BeginExecute starts request in the session named identifier as an
// asynchronous execution and returns a poller that follows it to the end.
//
// The poller follows the Operation-Location the service returns, relative or
// absolute (but only on the endpoint's host), and also copes with a service
// that finished the execution at once. Cancelling the context given to
// PollUntilDone stops polling; it does not stop the execution, which the
// service has no way to cancel. Save Poller.ResumeToken to resume polling
// later with ExecutionClientBeginExecuteOptions.ResumeToken. As with Execute, code that
// fails is reported in the result, not as an error.
func (client *ExecutionClient) BeginExecute(ctx context.Context, identifier string, request ExecutionRequest, options *ExecutionClientBeginExecuteOptions) (*runtime.Poller[ExecutionClientExecuteResponse], error) {
	const operationName = "ExecutionClient.BeginExecute"
	ctx = withAPIName(ctx, operationName)
	if options == nil {
		options = &ExecutionClientBeginExecuteOptions{}
	}
	pl := client.c.internal.Pipeline()
	tracer := client.c.internal.Tracer()
	if options.ResumeToken != "" {
		handler := &executionPoller{client: client}
		poller, err := runtime.NewPollerFromResumeToken(options.ResumeToken, pl, &runtime.NewPollerFromResumeTokenOptions[ExecutionClientExecuteResponse]{
			Handler: handler,
			Tracer:  tracer,
		})
		if err != nil {
			return nil, err
		}
		// A token is caller input: one edited, or made by a client of
		// another pool, must not send this client's credential elsewhere.
		if handler.PollURL != "" {
			if _, err := client.c.trustedURL(handler.PollURL); err != nil {
				return nil, fmt.Errorf("resume token: %w", err)
			}
		}
		return poller, nil
	}
	var err error
	ctx, endSpan := runtime.StartSpan(ctx, operationName, tracer, nil)
	defer func() { endSpan(err) }()
	req, err := client.executeRequest(ctx, identifier, request, ExecutionTypeAsynchronous, options.OperationID)
	if err != nil {
		return nil, err
	}
	resp, err := pl.Do(req)
	if err != nil {
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
		return nil, err
	}
	return runtime.NewPoller(resp, pl, &runtime.NewPollerOptions[ExecutionClientExecuteResponse]{Handler: handler, Tracer: tracer})
}

// executionPoller polls GET /executions/{id}. Its exported fields are the
// resume token.
type executionPoller struct {
	PollURL   string          `json:"pollURL"`
	Status    ExecutionStatus `json:"executionStatus"`
	OutputCap int             `json:"outputCap"`

	client *ExecutionClient
	last   *http.Response
	// apiName tags the polls for azcore's fake transports: polls of
	// BeginExecute (the default, also after a resume) or, when Execute
	// waits, ExecutionClient.Get.
	apiName string
}

func newExecutionPoller(client *ExecutionClient, identifier string, resp *http.Response, cap int) (*executionPoller, error) {
	p := &executionPoller{client: client, OutputCap: cap, Status: ExecutionStatusRunning, last: resp}
	var body struct {
		ID     *string          `json:"id"`
		Status *json.RawMessage `json:"status"`
	}
	if payload, err := runtime.Payload(resp); err == nil && len(payload) > 0 {
		if err := json.Unmarshal(payload, &body); err != nil {
			return nil, fmt.Errorf("reading the execution: %w", err)
		}
	}
	if body.Status != nil {
		if st, _ := parseStatus(*body.Status); st != nil {
			p.Status = *st
		}
	}
	loc := resp.Header.Get(headerOperationLocation)
	if loc == "" {
		id := resp.Header.Get(headerOperationID)
		if body.ID != nil {
			id = *body.ID
		}
		if id == "" {
			if p.Status.terminal() {
				return p, nil
			}
			return nil, errors.New("the service started an execution but sent neither Operation-Location nor an execution id")
		}
		loc = "executions/" + url.PathEscape(id)
	}
	pollURL, err := client.c.trustedURL(loc)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(pollURL)
	if err != nil {
		return nil, err
	}
	u.RawQuery = withDefaults(u.Query(), client.c.apiVersion, identifier).Encode()
	p.PollURL = u.String()
	return p, nil
}

// Done implements runtime.PollingHandler.
func (p *executionPoller) Done() bool { return p.Status.terminal() }

// Poll implements runtime.PollingHandler.
func (p *executionPoller) Poll(ctx context.Context) (*http.Response, error) {
	if p.PollURL == "" {
		return nil, errors.New("no URL to poll")
	}
	if _, err := p.client.c.trustedURL(p.PollURL); err != nil {
		return nil, err
	}
	apiName := p.apiName
	if apiName == "" {
		apiName = "ExecutionClient.BeginExecute"
	}
	ctx = withAPIName(ctx, apiName)
	req, err := runtime.NewRequest(ctx, http.MethodGet, p.PollURL)
	if err != nil {
		return nil, err
	}
	req.Raw().Header.Set("Accept", "application/json")
	resp, err := p.client.c.internal.Pipeline().Do(req)
	if err != nil {
		return nil, err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, runtime.NewResponseError(resp)
	}
	var exec Execution
	if err := runtime.UnmarshalAsJSON(resp, &exec); err != nil {
		return nil, err
	}
	if exec.Status != nil {
		p.Status = *exec.Status
	}
	p.last = resp
	return resp, nil
}

// Result implements runtime.PollingHandler.
func (p *executionPoller) Result(ctx context.Context, out *ExecutionClientExecuteResponse) error {
	if p.last == nil {
		// Resumed from a token after the execution had finished.
		if _, err := p.Poll(ctx); err != nil {
			return err
		}
	}
	r, err := executeResponse(p.last, p.OutputCap)
	if err != nil {
		return err
	}
	*out = r
	return nil
}
