package agenttool

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/seed-f3fa2c9d/azsessions"
)

// Session is the sandbox of one conversation. Its methods are safe for
// concurrent use; calls run one at a time, in the order they get the
// session, as in a notebook.
type Session struct {
	t            *Toolkit
	conversation string
	turn         chan struct{} // held by the call in progress

	idMu sync.Mutex
	id   string

	// Guarded by turn.
	generation uint64
	used       bool                 // a sandbox may exist under id
	snapshot   map[string]fileState // files as last seen; nil: unknown
}

func newSession(t *Toolkit, conversation string) *Session {
	return &Session{t: t, conversation: conversation, turn: make(chan struct{}, 1), id: t.identifier(conversation, 0)}
}

// Identifier returns the session identifier the pool knows the sandbox by,
// for the host's logs. Reset and Close move the session to a new one.
func (s *Session) Identifier() string {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	return s.id
}

// acquire waits for the session's turn, or for ctx to end.
func (s *Session) acquire(ctx context.Context) error {
	select {
	case s.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Session) release() { <-s.turn }

// Call runs the named tool with the JSON arguments a model sent. A tool that
// is unknown or not enabled, and arguments that are malformed, give a
// Result with IsError and a sentence the model can act on, and a nil error.
// The error is non-nil only for failures the model cannot fix: the
// credential, throttling after the retries, the network, ctx ending.
func (s *Session) Call(ctx context.Context, name string, args json.RawMessage) (Result, error) {
	if !slices.Contains(allTools, name) {
		return errorResult("there is no tool named %q; the tools are %s", name, strings.Join(s.t.set.tools, ", ")), nil
	}
	if !slices.Contains(s.t.set.tools, name) {
		return errorResult("the tool %q is not enabled here; the tools are %s", name, strings.Join(s.t.set.tools, ", ")), nil
	}
	switch name {
	case ToolRunPython:
		var a struct {
			Code           *string          `json:"code"`
			TimeoutSeconds *json.RawMessage `json:"timeout_seconds"`
		}
		if r, ok := decodeArgs(name, args, &a, "code", "timeout_seconds"); !ok {
			return r, nil
		}
		timeout, r, ok := s.t.set.modelTimeout(a.TimeoutSeconds)
		if !ok {
			return r, nil
		}
		if a.Code == nil {
			return errorResult("the %q argument is missing; pass the Python code to run", "code"), nil
		}
		return s.RunPython(ctx, *a.Code, timeout)
	case ToolRunShell:
		var a struct {
			Command        *string          `json:"command"`
			Stdin          *string          `json:"stdin"`
			TimeoutSeconds *json.RawMessage `json:"timeout_seconds"`
		}
		if r, ok := decodeArgs(name, args, &a, "command", "stdin", "timeout_seconds"); !ok {
			return r, nil
		}
		timeout, r, ok := s.t.set.modelTimeout(a.TimeoutSeconds)
		if !ok {
			return r, nil
		}
		if a.Command == nil {
			return errorResult("the %q argument is missing; pass the shell command to run", "command"), nil
		}
		stdin := ""
		if a.Stdin != nil {
			stdin = *a.Stdin
		}
		return s.RunShell(ctx, *a.Command, stdin, timeout)
	case ToolUploadFile:
		var a struct {
			Path     *string `json:"path"`
			Content  *string `json:"content"`
			Encoding *string `json:"encoding"`
		}
		if r, ok := decodeArgs(name, args, &a, "path", "content", "encoding"); !ok {
			return r, nil
		}
		if a.Path == nil || a.Content == nil {
			return errorResult("upload_file needs \"path\" (where to put the file, such as /mnt/data/data.csv) and \"content\""), nil
		}
		content, r, ok := s.t.set.decodeContent(*a.Content, a.Encoding)
		if !ok {
			return r, nil
		}
		return s.UploadFile(ctx, *a.Path, content)
	case ToolDownloadFile, ToolDeleteFile:
		var a struct {
			Path *string `json:"path"`
		}
		if r, ok := decodeArgs(name, args, &a, "path"); !ok {
			return r, nil
		}
		if a.Path == nil {
			return errorResult("%s needs \"path\", the file's path such as /mnt/data/result.csv", name), nil
		}
		if name == ToolDeleteFile {
			return s.DeleteFile(ctx, *a.Path)
		}
		return s.DownloadFile(ctx, *a.Path)
	case ToolListFiles:
		var a struct {
			Path      *string `json:"path"`
			Recursive *bool   `json:"recursive"`
		}
		if r, ok := decodeArgs(name, args, &a, "path", "recursive"); !ok {
			return r, nil
		}
		path := ""
		if a.Path != nil {
			path = *a.Path
		}
		return s.ListFiles(ctx, path, a.Recursive != nil && *a.Recursive)
	case ToolResetSession, ToolPoolInfo:
		var a struct{}
		if r, ok := decodeArgs(name, args, &a); !ok {
			return r, nil
		}
		if name == ToolPoolInfo {
			return s.PoolInfo(ctx)
		}
		return s.Reset(ctx)
	}
	return errorResult("there is no tool named %q", name), nil
}

// decodeArgs reads a model's arguments into v, refusing unknown fields so
// a misnamed argument is reported rather than ignored.
func decodeArgs(tool string, args json.RawMessage, v any, fields ...string) (Result, bool) {
	trimmed := bytes.TrimSpace(args)
	if len(trimmed) == 0 || string(trimmed) == "null" {
		trimmed = []byte("{}")
	}
	if trimmed[0] != '{' {
		return errorResult("the arguments of %s must be a JSON object, got %s", tool, describeJSON(trimmed)), false
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		want := "no arguments"
		if len(fields) > 0 {
			want = "the arguments " + strings.Join(fields, ", ")
		}
		return errorResult("the arguments of %s are not valid: %s; it takes %s", tool, jsonProblem(err), want), false
	}
	if dec.More() {
		return errorResult("the arguments of %s hold more than one JSON value; send one object", tool), false
	}
	return Result{}, true
}

func describeJSON(b []byte) string {
	if len(b) > 40 {
		b = append(b[:40:40], "..."...)
	}
	return fmt.Sprintf("%q", b)
}

// jsonProblem words a decoding error for the model.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%q must be %s, not a JSON %s", te.Field, jsonTypeName(te.Type.String()), te.Value)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if strings.HasPrefix(msg, "unknown field") {
		return "it has an " + msg
	}
	return msg
}

func jsonTypeName(goType string) string {
	switch strings.TrimPrefix(goType, "*") {
	case "string":
		return "a string"
	case "float64":
		return "a number"
	case "bool":
		return "true or false"
	}
	return "of another type"
}

// modelTimeout turns timeout_seconds into a duration within the limits.
// It is read as raw JSON so that a number no float64 holds (1e400) is
// still a number, too long, rather than a decoding error. Zero and negative
// values are refused; tiny, fractional and huge ones go to run, which rounds
// them into the pool's whole seconds from 1 to the maximum and says so.
func (set settings) modelTimeout(raw *json.RawMessage) (time.Duration, Result, bool) {
	if raw == nil || string(bytes.TrimSpace(*raw)) == "null" {
		return 0, Result{}, true
	}
	text := string(bytes.TrimSpace(*raw))
	limits := fmt.Sprintf("a number of seconds from 1 to %d, or null for the default of %d", int(set.maxTimeout.Seconds()), int(set.timeout.Seconds()))
	secs, err := strconv.ParseFloat(text, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || !isJSONNumber(text) {
		if r := []rune(text); len(r) > 40 {
			text = string(r[:40]) + "..."
		}
		return 0, errorResult("timeout_seconds must be %s; got %s", limits, text), false
	}
	if secs == 0 && text[0] != '-' && nonzeroMantissa(text) {
		secs = math.SmallestNonzeroFloat64 // 1e-400: positive, too small for a float64
	}
	if secs <= 0 {
		// 0 and negatives (and -1e400) are not a limit: refuse them, rather
		// than guess whether the model meant "none" or the default.
		return 0, errorResult("timeout_seconds must be a positive number of seconds (at most %d), or null for the default of %d; got %s", int(set.maxTimeout.Seconds()), int(set.timeout.Seconds()), text), false
	}
	// Past a day the value only matters as "too long": run caps it to the
	// limit and says so. The bound keeps the conversion from overflowing;
	// the floor keeps a tiny positive value from becoming 0, the default.
	d := 24 * time.Hour
	if secs < d.Seconds() {
		d = max(time.Duration(secs*float64(time.Second)), time.Nanosecond)
	}
	return d, Result{}, true
}

// nonzeroMantissa reports whether the JSON number s has a digit other than
// 0 before its exponent, that is whether it is not zero.
func nonzeroMantissa(s string) bool {
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		s = s[:i]
	}
	return strings.ContainsAny(s, "123456789")
}

// isJSONNumber reports whether s is a JSON number literal (ParseFloat also
// takes "Inf", "0x10" and "1_000", which are not).
func isJSONNumber(s string) bool {
	return json.Valid([]byte(s)) && s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9')
}

// hostError reports whether err is one the model cannot fix, to return as a
// Go error, rather than a mistake in its arguments (a missing file, a name
// the service refuses), to return as an IsError result.
func hostError(err error) bool {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		switch re.StatusCode {
		case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusRequestEntityTooLarge:
			return false
		}
		return true
	}
	return !errors.Is(err, azsessions.ErrInvalidFileName) && !errors.Is(err, azsessions.ErrInvalidPath) && !errors.Is(err, azsessions.ErrInvalidArgument)
}

// serviceProblem words an error the model can fix: the status, the error
// code and the pool's own message, without the request, and with the
// session identifier masked.
func (s *Session) serviceProblem(err error) string {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		var what string
		switch {
		case re.StatusCode == http.StatusNotFound:
			what = "not found"
		case re.StatusCode == http.StatusRequestEntityTooLarge:
			what = "too large for the pool"
		case re.ErrorCode != "":
			what = fmt.Sprintf("the pool refused it (%d %s)", re.StatusCode, re.ErrorCode)
		default:
			what = fmt.Sprintf("the pool refused it (HTTP %d)", re.StatusCode)
		}
		if msg := poolMessage(re, s.Identifier()); msg != "" {
			what += ": " + msg
		}
		return what
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "azsessions: ")
	return msg
}

// maxPoolMessage bounds the pool's error message quoted to the model.
const maxPoolMessage = 300

// poolMessage is the message of the pool's error body ({"error":
// {"message"}} or {"message"}), on one line, with the identifier masked.
func poolMessage(re *azcore.ResponseError, identifier string) string {
	if re.RawResponse == nil {
		return ""
	}
	body, err := runtime.Payload(re.RawResponse)
	if err != nil || len(body) == 0 {
		return ""
	}
	var v struct {
		Message string `json:"message"`
		Error   *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	msg := v.Message
	if v.Error != nil && v.Error.Message != "" {
		msg = v.Error.Message
	}
	if identifier != "" {
		msg = strings.ReplaceAll(msg, identifier, "<session>")
	}
	msg = oneLine(msg)
	if utf8.RuneCountInString(msg) > maxPoolMessage {
		msg = string([]rune(msg)[:maxPoolMessage]) + "..."
	}
	return msg
}

func isNotFound(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}

// Reset deletes the sandbox: variables, imports and files are gone, and the
// next call starts in a fresh one under a new identifier.
func (s *Session) Reset(ctx context.Context) (Result, error) {
	if err := s.acquire(ctx); err != nil {
		return Result{}, err
	}
	defer s.release()
	if err := s.deleteLocked(ctx); err != nil {
		return Result{}, err
	}
	l := newLayout("succeeded")
	l.line("The session was reset: variables, imports and the files in /mnt/data are gone. The next call starts in a fresh sandbox.")
	return Result{Text: l.String(), Structured: &ResetOutput{Reset: true}}, nil
}

// Close deletes the sandbox the session used, if any. The Session can be
// used again: the next call starts clean. Until then the Toolkit holds
// nothing of it, and Toolkit.Session may return a new *Session for the
// same conversation.
func (s *Session) Close(ctx context.Context) error {
	if err := s.acquire(ctx); err != nil {
		return err
	}
	defer s.release()
	if s.used {
		if err := s.deleteLocked(ctx); err != nil {
			return err
		}
	}
	s.t.untrack(s)
	return nil
}

// deleteLocked deletes the current sandbox (a missing one is fine) and
// moves the session to the next generation's identifier, so nothing of the
// old sandbox can reach the next call.
func (s *Session) deleteLocked(ctx context.Context) error {
	id := s.Identifier()
	if _, err := s.t.pool.Delete(ctx, id, nil); err != nil && !isNotFound(err) {
		return fmt.Errorf("agenttool: deleting session %s: %w", id, err)
	}
	s.generation++
	s.used = false
	s.snapshot = map[string]fileState{}
	s.idMu.Lock()
	s.id = s.t.identifier(s.conversation, s.generation)
	s.idMu.Unlock()
	return nil
}

// use marks the session as holding a sandbox; callers hold the turn.
func (s *Session) use() {
	if !s.used {
		s.used = true
		s.t.track(s)
	}
}
