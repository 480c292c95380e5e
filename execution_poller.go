package azsessions

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"path"
	"time"

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
	// polls counts the polls made, for the schedule of pollDelay.
	polls int
	// frequency, when above zero, replaces the schedule of pollDelay: the
	// caller's ExecutionClientBeginExecuteOptions.PollFrequency.
	frequency time.Duration
	// fromToken is set when a resume token was read into this handler;
	// azcore resumes the tokens of its fake's pollers with its own.
	fromToken bool
	// operationID is the execution's id, when the first answer (or the
	// request) said it; see executionID.
	operationID string
	// callerNamesID is set when Execute waits: its error names the
	// execution, so Poll's need not.
	callerNamesID bool
}

// executionID is the id of the execution polled, for error texts: the one
// the first answer or the request gave, or else (after a resume) the last
// segment of the poll URL, which is /executions/{id} on the service.
func (p *executionPoller) executionID() string {
	if p.operationID != "" {
		return p.operationID
	}
	if u, err := url.Parse(p.PollURL); err == nil {
		return path.Base(u.Path)
	}
	return ""
}

// UnmarshalJSON implements json.Unmarshaler: it reads a resume token.
// A token is caller input, perhaps from storage others can write: its
// outputCap sets how much of each poll's answer is read (see
// executionLimit), so one that no request can have is refused rather than
// lifting that bound.
func (p *executionPoller) UnmarshalJSON(data []byte) error {
	type token executionPoller // the fields, without this method
	if err := json.Unmarshal(data, (*token)(p)); err != nil {
		return err
	}
	if p.OutputCap < 0 || int64(p.OutputCap) > math.MaxInt32 {
		return fmt.Errorf("outputCap %d is outside 0 to %d", p.OutputCap, math.MaxInt32)
	}
	p.fromToken = true
	return nil
}

func newExecutionPoller(client *ExecutionClient, identifier string, resp *http.Response, cap int) (*executionPoller, error) {
	p := &executionPoller{client: client, OutputCap: cap, Status: ExecutionStatusRunning, last: resp}
	// PollUntilDone waits what resp asks before its first poll.
	if retryHint(resp.Header) > maxPollDelay {
		capRetryHint(resp.Header)
	}
	var body struct {
		ID     *string          `json:"id"`
		Status *json.RawMessage `json:"status"`
		Result json.RawMessage  `json:"result"`
	}
	// Read as executeResponse reads it: a byte-order mark, white space or
	// null alone is a 202 with headers only. Any other success says the
	// execution is done and must carry it: polling its Operation-Location
	// would take an answer without one for a running execution.
	if resp.StatusCode != http.StatusAccepted {
		if _, err := requiredBody(resp, executionBody); err != nil {
			return nil, err
		}
	}
	if payload, err := jsonBody(resp); err == nil && !noDocument(payload) {
		if err := json.Unmarshal(payload, &body); err != nil {
			return nil, unreadableBody(resp, executionBody, err)
		}
	}
	p.operationID = firstNonEmpty(resp.Header.Get(headerOperationID), requestOperationID(resp))
	if body.ID != nil && *body.ID != "" {
		p.operationID = *body.ID
	}
	if body.Status != nil {
		if st, _ := parseStatus(*body.Status); st != nil {
			p.Status = *st
		}
	}
	if body.Status == nil && len(body.Result) > 0 && string(body.Result) != "null" {
		// A result without a status: the execution has ended (see Poll).
		p.Status = ""
	}
	if p.Done() {
		// Nothing will be polled, so an Operation-Location the SDK would
		// not follow (another host) must not lose the result in hand.
		return p, nil
	}
	loc := resp.Header.Get(headerOperationLocation)
	if loc == "" {
		id := resp.Header.Get(headerOperationID)
		if body.ID != nil {
			id = *body.ID
		}
		if id == "" {
			return nil, errors.New("the service started an execution but sent neither Operation-Location nor an execution id")
		}
		loc = "executions/" + url.PathEscape(id)
	}
	// A relative Operation-Location is resolved against the endpoint, not
	// against the request's URL as RFC 9110 has it for Location. azcore's
	// own pollers take no relative one at all (their IsValidURL wants an
	// absolute URL), and the only relative links azcore resolves, nextLinks
	// (runtime.NewRequestForNextLink), it joins to the endpoint. The local
	// container sends "/executions/{id}?...", which both bases resolve
	// alike; so do "executions/{id}" and "../", as the request's URL is
	// <endpoint>/executions: only a query or fragment alone would differ.
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

// named is err with the execution's id in its text (see namedExecution),
// unless the caller names it.
func (p *executionPoller) named(err error) error {
	if p.callerNamesID {
		return err
	}
	return namedExecution(p.executionID(), err)
}

// requestOperationID is the operation-id header of the request resp
// answers, "" when unknown.
func requestOperationID(resp *http.Response) string {
	if resp.Request == nil {
		return ""
	}
	return resp.Request.Header.Get(headerOperationID)
}

// firstNonEmpty returns the first of values that is not "".
func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// Done implements runtime.PollingHandler: the latest answer's status is
// not NotStarted or Running, whether the SDK knows it or not (as Execute
// returns such an answer to its first request).
func (p *executionPoller) Done() bool { return !p.Status.running() }

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
		return nil, p.named(err)
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, runtime.NewResponseError(resp)
	}
	// An empty body (or null) fails here, as it does Execute's first
	// answer: read as an execution without a status, it would end the
	// wait with no result.
	var exec Execution
	if err := readExecution(resp, &exec); err != nil {
		return nil, p.named(err)
	}
	if exec.Status != nil {
		p.Status = *exec.Status
	} else {
		// A 200 without a status, with a result or without, has ended, as
		// Execute takes such a first answer (see stillRunning): polling on
		// would last as long as ctx.
		p.Status = ""
	}
	p.polls++
	switch hint := retryHint(resp.Header); {
	case hint > maxPollDelay:
		capRetryHint(resp.Header)
	case hint <= 0 && !p.Done():
		// PollUntilDone waits what this header says; without it, it would
		// wait its default of 30 s, far longer than most code runs.
		setRetryHint(resp.Header, p.delay())
	}
	p.last = resp
	return resp, nil
}

// delay is how long PollUntilDone is asked to wait after the latest poll
// of a running execution when the service said nothing.
func (p *executionPoller) delay() time.Duration {
	if p.frequency > 0 {
		return p.frequency
	}
	return pollDelay(p.polls)
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
