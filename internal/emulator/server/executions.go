package server

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// maxJSONBody bounds an execution request body; code is text, and the
// service's own limits on it are unknown, so the bound is generous.
const maxJSONBody = 64 << 20

// execRequestJSON is the flat SessionCodeExecutionRequest. Pointers tell a
// field that was sent from one that was not.
type execRequestJSON struct {
	CodeInputType                      string          `json:"codeInputType"`
	ExecutionType                      string          `json:"executionType"`
	Code                               *string         `json:"code"`
	TimeoutInSeconds                   *int64          `json:"timeoutInSeconds"`
	OutputStreamsMaxLength             *int64          `json:"outputStreamsMaxLength"`
	UseEmptyKernel                     bool            `json:"useEmptyKernel"`
	ReturnJupyterFormatExecutionResult bool            `json:"returnJupyterFormatExecutionResult"`
	ShellCommand                       *string         `json:"shellCommand"`
	ExecCommandAndArgs                 *argvJSON       `json:"execCommandAndArgs"`
	Stdin                              *string         `json:"stdin"`
	Properties                         json.RawMessage `json:"properties"`
}

// execResourceJSON is the SessionCodeExecutionResource.
type execResourceJSON struct {
	ID            string          `json:"id"`
	Identifier    string          `json:"identifier"`
	ExecutionType string          `json:"executionType"`
	Status        string          `json:"status"`
	Result        *execResultJSON `json:"result,omitempty"`
}

type execResultJSON struct {
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	// ExecutionResult is absent for shell pools, which have no value.
	ExecutionResult             json.RawMessage `json:"executionResult,omitempty"`
	ExecutionTimeInMilliseconds int64           `json:"executionTimeInMilliseconds"`
}

// tooLargeBody is the answer to an execution body over maxJSONBody.
func tooLargeBody() error {
	return newError(http.StatusRequestEntityTooLarge, CodePayloadTooLarge, "the request body is larger than %d bytes", maxJSONBody)
}

// readJSON decodes the body into v after checking the content type. An
// empty body decodes as {} so that what is missing is reported as missing;
// anything after the document but white space is refused.
func readJSON(c *call, v any) error {
	if ct := c.r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return badRequest("the Content-Type must be application/json, got %q", ct)
		}
	}
	if c.r.ContentLength > maxJSONBody {
		// Refused before the body is read: a client that waits for 100
		// Continue sends none of it.
		return tooLargeBody()
	}
	body := http.MaxBytesReader(c.w, c.r.Body, maxJSONBody)
	dec := json.NewDecoder(skipByteOrderMark(body))
	err := dec.Decode(v)
	if err == nil {
		// One document and nothing after it but white space: a second
		// document or garbage means the client sent something else than it
		// thinks, and running the first part would hide that.
		if _, terr := dec.Token(); !errors.Is(terr, io.EOF) {
			if terr == nil {
				terr = errors.New("data after the JSON document")
			}
			err = terr
		}
	}
	var tooLarge *http.MaxBytesError
	switch {
	case err == nil, errors.Is(err, io.EOF):
		return nil
	case errors.As(err, &tooLarge):
		return tooLargeBody()
	default:
		return badRequest("the request body is not valid JSON for this operation: %v", err)
	}
}

// utf8BOM is the UTF-8 byte order mark.
const utf8BOM = "\ufeff"

// skipByteOrderMark returns r without a leading UTF-8 byte order mark.
// RFC 8259 lets a JSON reader ignore one, and .NET's and Python's readers
// of a stream do (files saved by Windows tools start with it); Go's
// decoder refuses it. The small buffer costs nothing past the first read:
// bufio hands larger reads straight to r.
func skipByteOrderMark(r io.Reader) io.Reader {
	br := bufio.NewReaderSize(r, 16)
	if b, _ := br.Peek(len(utf8BOM)); string(b) == utf8BOM {
		_, _ = br.Discard(len(utf8BOM))
	}
	return br
}

// parseExecution validates a v2 request against the pool type and turns it
// into a runtime request. It runs before the session is looked up, so a bad
// request leaves no trace.
func (c *call) parseExecution(in *execRequestJSON) (runtime.Request, string, error) {
	var req runtime.Request
	if in.Properties != nil {
		return req, "", newError(http.StatusBadRequest, CodePropertiesMissing,
			"the body of /executions is flat: send codeInputType, executionType and code at the top level, not inside \"properties\"")
	}
	execType, err := executionType(in.ExecutionType)
	if err != nil {
		return req, "", err
	}
	if req.Timeout, err = c.s.timeout(in.TimeoutInSeconds); err != nil {
		return req, "", err
	}
	if req.MaxOutput, err = outputLimit(in.OutputStreamsMaxLength); err != nil {
		return req, "", err
	}
	if c.s.cfg.PoolType == PoolTypeShell {
		err = shellRequest(in, &req)
	} else {
		err = pythonRequest(in, &req)
	}
	if err != nil {
		return req, "", err
	}
	return req, execType, nil
}

// outputLimit applies the default to outputStreamsMaxLength and checks it.
func outputLimit(n *int64) (int, error) {
	if n == nil {
		return DefaultOutputStreamsMaxLength, nil
	}
	// The spec types the field int32: a value past it cannot be sent to
	// the service. A value past what the emulator keeps is cut to it, as
	// the service accepts any int32 and its own bound is unknown.
	if *n <= 0 || *n > math.MaxInt32 {
		return 0, badRequest("outputStreamsMaxLength must be a positive number of characters no larger than %d, got %d", math.MaxInt32, *n)
	}
	return int(min(*n, runtime.MaxOutputLimit)), nil
}

// shellRequest fills req with the command of a shell pool's request.
func shellRequest(in *execRequestJSON, req *runtime.Request) error {
	switch {
	case in.Code != nil:
		return newError(http.StatusBadRequest, CodePropertiesMissing,
			"a shell session pool runs shellCommand or execCommandAndArgs, not code")
	case in.ShellCommand != nil && in.ExecCommandAndArgs != nil:
		return badRequest("send either shellCommand or execCommandAndArgs, not both")
	case in.ShellCommand != nil && strings.TrimSpace(*in.ShellCommand) != "":
		req.ShellCommand = *in.ShellCommand
	case in.ExecCommandAndArgs != nil && len(*in.ExecCommandAndArgs) > 0 && (*in.ExecCommandAndArgs)[0] != "":
		req.ExecCommandAndArgs = []string(*in.ExecCommandAndArgs)
	default:
		return newError(http.StatusBadRequest, CodePropertiesMissing,
			"shellCommand or execCommandAndArgs is required by a shell session pool")
	}
	// exec(2) takes NUL-terminated strings: a NUL would cut the command
	// short, so it is the request that is wrong.
	if strings.ContainsRune(req.ShellCommand, 0) || slices.ContainsFunc(req.ExecCommandAndArgs, func(a string) bool { return strings.ContainsRune(a, 0) }) {
		return badRequest("shellCommand and execCommandAndArgs cannot hold a NUL character")
	}
	if in.Stdin != nil {
		req.Stdin = *in.Stdin
	}
	return nil
}

// pythonRequest fills req with the code of a Python pool's request.
func pythonRequest(in *execRequestJSON, req *runtime.Request) error {
	if in.ShellCommand != nil || in.ExecCommandAndArgs != nil || in.Stdin != nil {
		return newError(http.StatusBadRequest, CodeRequestNotSupported,
			"shellCommand, execCommandAndArgs and stdin are only supported by shell session pools")
	}
	if in.Code == nil || strings.TrimSpace(*in.Code) == "" {
		return newError(http.StatusBadRequest, CodePropertiesMissing, "code is required but not provided")
	}
	code, err := decodeCode(in.CodeInputType, *in.Code)
	if err != nil {
		return err
	}
	req.Code, req.UseEmptyKernel = code, in.UseEmptyKernel
	return nil
}

// executionType accepts the enum in any casing (clients send
// "synchronous"; the service accepts it) and returns the spec's spelling.
func executionType(v string) (string, error) {
	switch {
	case v == "", strings.EqualFold(v, execSynchronous):
		return execSynchronous, nil
	case strings.EqualFold(v, execAsynchronous):
		return execAsynchronous, nil
	}
	return "", badRequest("executionType must be Synchronous or Asynchronous, got %q", v)
}

// decodeCode applies codeInputType: Inline and InlineText carry the code as
// is, InlineBase64 carries it base64-encoded.
func decodeCode(inputType, code string) (string, error) {
	switch {
	case inputType == "", strings.EqualFold(inputType, "Inline"), strings.EqualFold(inputType, "InlineText"):
		return code, nil
	case strings.EqualFold(inputType, "InlineBase64"):
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(strings.TrimSpace(code)); err == nil {
				return string(b), nil
			}
		}
		return "", badRequest("code is not valid base64 although codeInputType is InlineBase64")
	}
	return "", badRequest("codeInputType must be Inline, InlineBase64 or InlineText, got %q", inputType)
}

// timeout applies the default and the cap to timeoutInSeconds. Values past
// the cap are cut to it rather than refused, as the platform does.
func (s *Server) timeout(secs *int64) (time.Duration, error) {
	if secs == nil || *secs == 0 {
		return s.cfg.DefaultExecutionTimeout, nil
	}
	if *secs < 0 {
		return 0, badRequest("timeoutInSeconds must be positive, got %d", *secs)
	}
	if *secs > int64(s.cfg.MaxExecutionTimeout/time.Second) { // also avoids overflow
		return s.cfg.MaxExecutionTimeout, nil
	}
	return time.Duration(*secs) * time.Second, nil
}

// operationID reads the caller-chosen execution id, or makes one.
func (c *call) operationID() (string, error) {
	id := c.r.Header.Get(HeaderOperationID)
	if id == "" {
		return newGUID(), nil
	}
	if len(id) > 256 || strings.ContainsFunc(id, unicode.IsControl) {
		return "", badRequest("the operation-id header must be 1 to 256 characters without control characters")
	}
	return id, nil
}

// execute serves POST /executions.
func (c *call) execute() error {
	var in execRequestJSON
	if err := readJSON(c, &in); err != nil {
		return err
	}
	req, execType, err := c.parseExecution(&in)
	if err != nil {
		return err
	}
	x := &execution{
		execType: execType, req: req,
		shell: c.s.cfg.PoolType == PoolTypeShell,
	}
	return c.submitExecution(x, func(e *execution, setTiming func()) error {
		c.w.Header().Set(HeaderOperationID, e.id)
		// The spec declares Operation-Location on the synchronous 200 as
		// well, and every synchronous example shows it.
		c.w.Header().Set(HeaderOperationLocation, c.operationLocation(e.id))
		if execType == execAsynchronous {
			c.setPollHint(e)
			writeJSON(c.w, asyncSubmitStatus(c.version), c.resource(e))
			return nil
		}
		if !c.await(e) {
			return nil
		}
		if !e.shell {
			setTiming()
		}
		writeJSON(c.w, http.StatusOK, c.resource(e))
		return nil
	})
}

// submitExecution gives x the request's operation-id and submits it to the
// call's session (created if needed), then calls answer with the execution
// that holds that id: x, or an earlier one sent with the same id. The
// session stays acquired until answer returns. setTiming sets the
// diagnostic headers, measured up to the moment it is called.
func (c *call) submitExecution(x *execution, answer func(e *execution, setTiming func()) error) error {
	id, err := c.operationID()
	if err != nil {
		return err
	}
	prepared := time.Now()
	x.id, x.identifier = id, c.identifier
	sess, acq, e, err := c.submitToSession(x)
	if err != nil {
		return err
	}
	defer c.s.store.release(sess)
	return answer(e, func() { c.setTimingHeaders(sess, acq, e, prepared) })
}

// submitToSession acquires the call's session (the caller releases it)
// and submits x to it. A session deleted between the two is passed over,
// as acquire passes over one deleted before: the identifier names a new
// session from then on, and x runs there.
func (c *call) submitToSession(x *execution) (*session, acquisition, *execution, error) {
	for {
		sess, acq, err := c.s.store.acquire(c.r.Context(), c.identifier, true)
		if err != nil {
			return nil, acq, nil, err
		}
		x.done = make(chan struct{})
		e, _, err := sess.submit(x)
		if err == nil {
			return sess, acq, e, nil
		}
		c.s.store.release(sess)
		if !errors.Is(err, errSessionGone) {
			return nil, acq, nil, err
		}
		if c.s.closed.Load() {
			return nil, acq, nil, errShuttingDown()
		}
	}
}

// await waits for e to finish. It reports false when the client hung up
// first; the execution goes on and stays readable.
func (c *call) await(e *execution) bool {
	select {
	case <-e.done:
		return true
	case <-c.r.Context().Done():
		return false
	}
}

// operationLocation is the absolute URL of GET /executions/{id}.
func (c *call) operationLocation(id string) string {
	q := url.Values{}
	q.Set(queryAPIVersion, c.version)
	q.Set(queryIdentifier, c.identifier)
	return c.absoluteURL("/executions/"+url.PathEscape(id), q)
}

// resource renders an execution in its current state.
func (c *call) resource(e *execution) execResourceJSON {
	out := execResourceJSON{ID: e.id, Identifier: e.identifier, ExecutionType: e.execType, Status: statusRunning}
	if !e.finished() {
		return out
	}
	out.Status = e.status
	out.Result = &execResultJSON{
		Stdout:                      e.res.Stdout,
		Stderr:                      e.res.Stderr,
		ExecutionTimeInMilliseconds: e.res.Duration.Milliseconds(),
	}
	if !e.shell {
		out.Result.ExecutionResult = v2Result(e.res.Value)
	}
	return out
}

// getExecution serves GET /executions/{id}.
func (c *call) getExecution() error {
	sess, _, err := c.s.store.acquire(c.r.Context(), c.identifier, true)
	if err != nil {
		return err
	}
	defer c.s.store.release(sess)
	id := c.params["id"]
	e := sess.lookup(id)
	if e == nil {
		return newError(http.StatusNotFound, CodeExecutionNotFound, "no execution %q in session %q", id, c.identifier)
	}
	c.w.Header().Set(HeaderOperationID, e.id)
	c.setPollHint(e)
	writeJSON(c.w, http.StatusOK, c.resource(e))
	return nil
}

// setPollHint tells pollers of an unfinished execution when to ask again.
// Azure's LRO guidelines use Retry-After; azcore pollers also read
// retry-after-ms, which lets them poll the emulator at a local pace
// instead of their 30 s default.
func (c *call) setPollHint(e *execution) {
	if e.finished() {
		return
	}
	c.w.Header().Set("Retry-After", "1")
	c.w.Header().Set("retry-after-ms", strconv.Itoa(pollIntervalMillis))
}

// pollIntervalMillis is the polling interval suggested for running
// executions.
const pollIntervalMillis = 200

// asyncSubmitStatus is the status of an accepted asynchronous execution: 200
// in 2025-10-02-preview, 202 in the older versions as their first revisions
// had it (the spec files of those were later patched to 200; clients must
// take both).
func asyncSubmitStatus(version string) int {
	if version == V20251002Preview {
		return http.StatusOK
	}
	return http.StatusAccepted
}
