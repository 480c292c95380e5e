package fake

import (
	"context"
	"fmt"
	"net/http"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"
	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/wire"
)

// ExecutionServer is a fake server for instances of the
// azsessions.ExecutionClient type: one function per method, named after it.
// A nil function makes its method fail with the error
// "fake for method ExecutionServer.<Method> not implemented".
type ExecutionServer struct {
	// Execute is the fake for method ExecutionClient.Execute.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusAccepted.
	// options.OperationID holds the operation-id the SDK sent (its own when
	// the caller gave none). The response's Metrics and OperationID are sent
	// as the X-Ms-* and operation-id headers. A 202 with a running execution
	// makes Execute wait for it through Get.
	Execute func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder)

	// BeginExecute is the fake for method ExecutionClient.BeginExecute.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusCreated, http.StatusAccepted.
	// It is called once per poller; the poller's polls are answered from the
	// returned PollerResponder. The terminal result carries the Execution
	// only: azfake.PollerResponder has no way to send Metrics headers.
	BeginExecute func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder)

	// Get is the fake for method ExecutionClient.Get.
	// HTTP status codes to indicate success: http.StatusOK.
	Get func(ctx context.Context, identifier string, executionID string, options *azsessions.ExecutionClientGetOptions) (resp azfake.Responder[azsessions.ExecutionClientGetResponse], errResp azfake.ErrorResponder)
}

// NewExecutionServerTransport returns an ExecutionServerTransport that
// answers an ExecutionClient's requests with srv. Connect it through
// azsessions.ClientOptions.ClientOptions.Transport. Changes to srv's fields
// after this call are seen by the transport.
func NewExecutionServerTransport(srv *ExecutionServer) *ExecutionServerTransport {
	t := &ExecutionServerTransport{
		srv:          srv,
		beginExecute: newTracker[azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse]](),
	}
	t.clientTransport = newClientTransport("ExecutionServer", srv, map[string]handler{
		"ExecutionClient.Execute":      t.dispatchExecute,
		"ExecutionClient.BeginExecute": t.dispatchBeginExecute,
		"ExecutionClient.Get":          t.dispatchGet,
	})
	return t
}

// ExecutionServerTransport connects instances of azsessions.ExecutionClient
// to an ExecutionServer. It implements policy.Transporter and is safe for
// concurrent use. Don't use this type directly; use
// NewExecutionServerTransport instead.
type ExecutionServerTransport struct {
	clientTransport
	srv          *ExecutionServer
	beginExecute *tracker[azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse]]
}

func (t *ExecutionServerTransport) dispatchExecute(req *http.Request) (*http.Response, error) {
	identifier, request, opID, err := executionArgs(req)
	if err != nil {
		return nil, err
	}
	var options *azsessions.ExecutionClientExecuteOptions
	if opID != nil {
		options = &azsessions.ExecutionClientExecuteOptions{OperationID: opID}
	}
	resp, errResp := t.srv.Execute(req.Context(), identifier, request, options)
	return respond(req, resp, errResp, executionBody, http.StatusOK, http.StatusAccepted)
}

func (t *ExecutionServerTransport) dispatchGet(req *http.Request) (*http.Response, error) {
	executionID, err := pathParam(req, 0)
	if err != nil {
		return nil, err
	}
	resp, errResp := t.srv.Get(req.Context(), req.URL.Query().Get(wire.QueryIdentifier), executionID, nil)
	return respond(req, resp, errResp, func(c server.ResponseContent, r azsessions.ExecutionClientGetResponse, req *http.Request) (*http.Response, error) {
		return executionBody(c, azsessions.ExecutionClientExecuteResponse(r), req)
	}, http.StatusOK)
}

// dispatchBeginExecute answers the POST that starts a poller by calling the
// fake, and the poller's polls, whose URL carries the poller's ID, from the
// PollerResponder it returned.
func (t *ExecutionServerTransport) dispatchBeginExecute(req *http.Request) (*http.Response, error) {
	return nextPoll(t.beginExecute, req, func() (azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], azfake.ErrorResponder, error) {
		identifier, request, opID, err := executionArgs(req)
		if err != nil {
			return azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse]{}, azfake.ErrorResponder{}, err
		}
		var options *azsessions.ExecutionClientBeginExecuteOptions
		if opID != nil {
			options = &azsessions.ExecutionClientBeginExecuteOptions{OperationID: opID}
		}
		resp, errResp := t.srv.BeginExecute(req.Context(), identifier, request, options)
		return resp, errResp, nil
	}, http.StatusOK, http.StatusCreated, http.StatusAccepted)
}

// executionRequestWire is the JSON body of POST /executions.
type executionRequestWire struct {
	CodeInputType                      *azsessions.CodeInputType `json:"codeInputType"`
	ExecutionType                      *azsessions.ExecutionType `json:"executionType"`
	Code                               *string                   `json:"code"`
	TimeoutInSeconds                   *int32                    `json:"timeoutInSeconds"`
	OutputStreamsMaxLength             *int32                    `json:"outputStreamsMaxLength"`
	UseEmptyKernel                     *bool                     `json:"useEmptyKernel"`
	ReturnJupyterFormatExecutionResult *bool                     `json:"returnJupyterFormatExecutionResult"`
	ShellCommand                       *string                   `json:"shellCommand"`
	ExecCommandAndArgs                 []string                  `json:"execCommandAndArgs"`
	Stdin                              *string                   `json:"stdin"`
}

// executionArgs recovers the identifier, the request and the operation-id
// of POST /executions.
func executionArgs(req *http.Request) (string, azsessions.ExecutionRequest, *string, error) {
	w, err := server.UnmarshalRequestAsJSON[executionRequestWire](req)
	if err != nil {
		return "", azsessions.ExecutionRequest{}, nil, fmt.Errorf("reading the execution request: %w", err)
	}
	r := azsessions.ExecutionRequest{
		Code:                               w.Code,
		CodeInputType:                      w.CodeInputType,
		TimeoutInSeconds:                   w.TimeoutInSeconds,
		OutputStreamsMaxLength:             w.OutputStreamsMaxLength,
		UseEmptyKernel:                     w.UseEmptyKernel,
		ReturnJupyterFormatExecutionResult: w.ReturnJupyterFormatExecutionResult,
		ShellCommand:                       w.ShellCommand,
		ExecCommandAndArgs:                 w.ExecCommandAndArgs,
		Stdin:                              w.Stdin,
	}
	return req.URL.Query().Get(wire.QueryIdentifier), r, headerString(req.Header, wire.HeaderOperationID), nil
}

// executionBody sends the Execution as the body and the Metrics and
// OperationID as headers.
func executionBody(c server.ResponseContent, r azsessions.ExecutionClientExecuteResponse, req *http.Request) (*http.Response, error) {
	setMetrics(c.Header, r.Metrics)
	if r.OperationID != nil {
		c.Header.Set(wire.HeaderOperationID, *r.OperationID)
	}
	return server.MarshalResponseAsJSON(c, r.Execution, req)
}
