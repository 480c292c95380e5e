package server

import (
	"encoding/json"
	"net/http"
)

// The first preview's execute route, POST /python/execute, which
// LlamaIndex's TypeScript tool (@llamaindex/azure AzureDynamicSessionTool)
// still calls with api-version 2024-02-02-preview and early Semantic Kernel
// .NET called too: the code in properties.pythonCode, the identifier in
// the body (or the query), and a flat answer with result, stdout and
// stderr at the top level (docs/emulator.md, Legacy routes).

type pythonExecuteRequest struct {
	Properties *struct {
		Identifier       string  `json:"identifier"`
		CodeInputType    string  `json:"codeInputType"`
		ExecutionType    string  `json:"executionType"`
		PythonCode       *string `json:"pythonCode"`
		Code             *string `json:"code"` // what later routes call it
		TimeoutInSeconds *int64  `json:"timeoutInSeconds"`
	} `json:"properties"`
}

// pythonExecuteResponse is the flat answer the early samples show.
type pythonExecuteResponse struct {
	Status                      string          `json:"status"`
	Stdout                      string          `json:"stdout"`
	Stderr                      string          `json:"stderr"`
	Result                      json.RawMessage `json:"result"`
	ExecutionTimeInMilliseconds int64           `json:"executionTimeInMilliseconds"`
}

// pythonExecute serves POST /python/execute, always synchronously.
func (c *call) pythonExecute() error {
	if err := c.refuseShellPool(); err != nil {
		return err
	}
	var in pythonExecuteRequest
	if err := readJSON(c, &in); err != nil {
		return err
	}
	p := in.Properties
	if p == nil {
		return newError(http.StatusBadRequest, CodePropertiesMissing, "properties is required but not provided")
	}
	id, err := bodyOrQueryIdentifier(c, p.Identifier)
	if err != nil {
		return err
	}
	c.identifier = id
	code := p.PythonCode
	if code == nil {
		code = p.Code
	}
	if code == nil || *code == "" {
		return newError(http.StatusBadRequest, CodePropertiesMissing, "properties.pythonCode is required but not provided")
	}
	return c.runLegacy(p.CodeInputType, p.ExecutionType, *code, p.TimeoutInSeconds, func(e *execution) any {
		// The same values as /code/execute's properties, flat.
		l := legacyExecResult(e).Properties
		return pythonExecuteResponse{Status: l.Status, Stdout: l.Stdout, Stderr: l.Stderr, Result: l.Result, ExecutionTimeInMilliseconds: l.ExecutionTimeInMilliseconds}
	})
}

// bodyOrQueryIdentifier takes the identifier from the body or the query;
// both may be sent, but then they must agree.
func bodyOrQueryIdentifier(c *call, inBody string) (string, error) {
	inQuery, ae := oneValue(c.query, queryIdentifier)
	if ae != nil {
		return "", ae
	}
	switch {
	case inBody == "" && inQuery == "":
		return "", badRequest("the identifier is required, in properties.identifier or the identifier query parameter")
	case inBody != "" && inQuery != "" && inBody != inQuery:
		return "", badRequest("properties.identifier and the identifier query parameter name different sessions")
	case inBody == "":
		inBody = inQuery
	}
	if err := validIdentifier(inBody); err != nil {
		return "", err
	}
	return inBody, nil
}
