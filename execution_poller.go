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
	ctx = withExecutionLimit(ctx, p.OutputCap)
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
