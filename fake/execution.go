package fake

import (
	"fmt"
	"net/http"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"
	"github.com/seed-f3fa2c9d/azsessions"
)

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
	return req.URL.Query().Get(queryIdentifier), r, headerString(req.Header, headerOperationID), nil
}

// executionResponse sends e as the body and m and opID as headers.
func executionResponse(c server.ResponseContent, e azsessions.Execution, m azsessions.Metrics, opID *string, req *http.Request) (*http.Response, error) {
	setMetrics(c.Header, m)
	if opID != nil {
		c.Header.Set(headerOperationID, *opID)
	}
	return server.MarshalResponseAsJSON(c, e, req)
}

func (s *ServerTransport) dispatchExecute(req *http.Request) (*http.Response, error) {
	if s.srv.Execute == nil {
		return nil, notImplemented("Execute")
	}
	identifier, request, opID, err := executionArgs(req)
	if err != nil {
		return nil, err
	}
	var options *azsessions.ExecutionClientExecuteOptions
	if opID != nil {
		options = &azsessions.ExecutionClientExecuteOptions{OperationID: opID}
	}
	respr, errRespr := s.srv.Execute(req.Context(), identifier, request, options)
	r, c, err := responderResult(req, respr, errRespr, http.StatusOK, http.StatusAccepted)
	if err != nil {
		return nil, err
	}
	return executionResponse(c, r.Execution, r.Metrics, r.OperationID, req)
}

func (s *ServerTransport) dispatchGetExecution(req *http.Request) (*http.Response, error) {
	if s.srv.GetExecution == nil {
		return nil, notImplemented("GetExecution")
	}
	executionID, err := pathParam(req, 0)
	if err != nil {
		return nil, err
	}
	respr, errRespr := s.srv.GetExecution(req.Context(), req.URL.Query().Get(queryIdentifier), executionID, nil)
	r, c, err := responderResult(req, respr, errRespr, http.StatusOK)
	if err != nil {
		return nil, err
	}
	return executionResponse(c, r.Execution, r.Metrics, r.OperationID, req)
}

// dispatchBeginExecute answers the POST that starts a poller by calling the
// fake, and the poller's polls, whose URL carries the poller's ID, from the
// PollerResponder it returned.
func (s *ServerTransport) dispatchBeginExecute(req *http.Request) (*http.Response, error) {
	if s.srv.BeginExecute == nil {
		return nil, notImplemented("BeginExecute")
	}
	id := req.URL.Query().Get(queryFakePoller)
	var poller *azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse]
	if id == "" {
		if req.Method != http.MethodPost {
			return nil, fmt.Errorf("%s %s is not a request of a fake poller", req.Method, req.URL.Redacted())
		}
		identifier, request, opID, err := executionArgs(req)
		if err != nil {
			return nil, err
		}
		var options *azsessions.ExecutionClientBeginExecuteOptions
		if opID != nil {
			options = &azsessions.ExecutionClientBeginExecuteOptions{OperationID: opID}
		}
		respr, errRespr := s.srv.BeginExecute(req.Context(), identifier, request, options)
		if err := server.GetError(errRespr, req); err != nil {
			return nil, err
		}
		poller = &respr
		id = s.executePollers.add(poller)
	} else if poller = s.executePollers.get(id); poller == nil {
		return nil, fmt.Errorf("no fake poller %s in progress", id)
	}
	resp, err := server.PollerResponderNext(poller, req)
	if err != nil {
		s.executePollers.remove(id)
		return nil, err
	}
	if err := checkStatus(resp.StatusCode, http.StatusOK, http.StatusCreated, http.StatusAccepted); err != nil {
		s.executePollers.remove(id)
		return nil, err
	}
	if !server.PollerResponderMore(poller) {
		s.executePollers.remove(id)
	}
	if req.URL.Query().Get(queryFakePoller) == "" {
		// azcore's fake poller polls the URL of the request that started
		// it: make that URL name this poller.
		start := req.Clone(req.Context())
		q := start.URL.Query()
		q.Set(queryFakePoller, id)
		start.URL.RawQuery = q.Encode()
		resp.Request = start
	}
	return resp, nil
}
