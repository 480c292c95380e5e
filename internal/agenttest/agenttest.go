// Package agenttest holds the test scaffolding the framework adapters under
// adapters/ share: a toolkit over a real emulator, one whose pool fails
// chosen requests the way a broken service does, the script of code the
// scripted models run, and a replayed model API. Only tests import it; it
// depends on nothing outside the main module.
package agenttest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/testenv"
)

// DotPNG is a 1x1 PNG, base64 encoded, that the scripted code writes.
const DotPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="

// Script is the code the scripted models run, in order: state kept across
// two runs, a failure, then an image.
var Script = []string{
	"x = 21",
	"print(x * 2)",
	"1/0",
	"import base64\nopen('/mnt/data/dot.png', 'wb').write(base64.b64decode('" + DotPNG + "'))",
}

// FinalAnswer is what the scripted models answer once the script is done.
const FinalAnswer = "x*2 is 42."

// Toolkit returns a toolkit over an emulator that lives as long as t, its
// sandboxes deleted when t ends.
func Toolkit(t testing.TB) *agenttool.Toolkit {
	t.Helper()
	return toolkit(t, emulator.NewForTest(t, emulatorOptions()))
}

// emulatorOptions runs the interpreter testenv.PythonEnv names, as the test
// script sets it, rather than the python3 first on PATH (a pyenv shim or a
// virtual environment, whose packages differ).
func emulatorOptions() *emulator.Options {
	return &emulator.Options{Python: os.Getenv(testenv.PythonEnv)} // "": python3
}

// FailDetail is in the body of every answer a FailingToolkit's pool fails
// with, so a test can check it does not reach the model.
const FailDetail = "internal detail the model must not see"

// FailingToolkit returns a toolkit over an emulator whose requests with a
// body containing marker answer HTTP 403 with FailDetail in the body: a
// failure only the host can fix, reported as an azcore.ResponseError whose
// text holds the request URL (with the session identifier) and the body.
func FailingToolkit(t testing.TB, marker string) *agenttool.Toolkit {
	t.Helper()
	e := emulator.StartForTest(t, emulatorOptions())
	opts := e.ClientOptions()
	opts.Transport = &failing{next: opts.Transport, marker: marker}
	client, err := azsessions.NewClient(e.Endpoint(), e.Credential(), opts)
	if err != nil {
		t.Fatalf("creating the emulator's client: %v", err)
	}
	return toolkit(t, client)
}

func toolkit(t testing.TB, client *azsessions.Client) *agenttool.Toolkit {
	t.Helper()
	tk, err := agenttool.New(client, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tk.Close(context.Background()) })
	return tk
}

type failing struct {
	next   policy.Transporter
	marker string
}

func (f *failing) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		if bytes.Contains(body, []byte(f.marker)) {
			return &http.Response{
				StatusCode: http.StatusForbidden,
				Status:     "403 Forbidden",
				Header:     http.Header{"Content-Type": {"application/json"}},
				Body:       io.NopCloser(strings.NewReader(`{"error":{"code":"Forbidden","message":"` + FailDetail + `"}}`)),
				Request:    req,
			}, nil
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	return f.next.Do(req)
}

// Replay is a model API that answers each POST to Path with the next of
// Answers and keeps the decoded request bodies for the test to read.
type Replay struct {
	T       testing.TB
	Path    string
	Answers []string

	mu       sync.Mutex
	requests []map[string]any
}

// Requests returns the request bodies received so far.
func (r *Replay) Requests() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]map[string]any(nil), r.requests...)
}

// ServeHTTP answers one request with the next recorded answer.
func (r *Replay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if req.Method != http.MethodPost || req.URL.Path != r.Path {
		r.T.Errorf("unexpected request %s %s", req.Method, req.URL.Path)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	var decoded map[string]any
	if err := json.Unmarshal(body, &decoded); err != nil {
		r.T.Errorf("request body is not JSON: %v", err)
	}
	r.requests = append(r.requests, decoded)
	if len(r.requests) > len(r.Answers) {
		r.T.Errorf("request %d has no recorded answer", len(r.requests))
		http.Error(w, "no more answers", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, r.Answers[len(r.requests)-1])
}
