package agenttool

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Call runs the named tool with the JSON arguments a model sent. A tool that
// is unknown or not enabled, and arguments that are malformed, give a
// Result with IsError and a sentence the model can act on, and a nil error.
// The error is non-nil only for failures the model cannot fix: the
// credential, throttling after the retries, the network, ctx ending.
func (s *Session) Call(ctx context.Context, name string, args json.RawMessage) (Result, error) {
	if !slices.Contains(allTools, name) {
		return errorResult("there is no tool named %q; the tools are %s", clipForMessage(name), strings.Join(s.t.set.tools, ", ")), nil
	}
	if !slices.Contains(s.t.set.tools, name) {
		return errorResult("the tool %q is not enabled here; the tools are %s", name, strings.Join(s.t.set.tools, ", ")), nil
	}
	switch name {
	case ToolRunPython:
		return s.callRunPython(ctx, args)
	case ToolRunShell:
		return s.callRunShell(ctx, args)
	case ToolUploadFile:
		return s.callUploadFile(ctx, args)
	case ToolDownloadFile, ToolDeleteFile:
		return s.callPathTool(ctx, name, args)
	case ToolListFiles:
		return s.callListFiles(ctx, args)
	case ToolResetSession, ToolPoolInfo:
		return s.callNoArgs(ctx, name, args)
	}
	return errorResult("there is no tool named %q", name), nil
}

// callRunPython is Call of run_python.
func (s *Session) callRunPython(ctx context.Context, args json.RawMessage) (Result, error) {
	var a struct {
		Code           *string          `json:"code"`
		TimeoutSeconds *json.RawMessage `json:"timeout_seconds"`
	}
	if r, ok := decodeArgs(ToolRunPython, args, &a, "code", "timeout_seconds"); !ok {
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
}

// callRunShell is Call of run_shell.
func (s *Session) callRunShell(ctx context.Context, args json.RawMessage) (Result, error) {
	var a struct {
		Command        *string          `json:"command"`
		Stdin          *string          `json:"stdin"`
		TimeoutSeconds *json.RawMessage `json:"timeout_seconds"`
	}
	if r, ok := decodeArgs(ToolRunShell, args, &a, "command", "stdin", "timeout_seconds"); !ok {
		return r, nil
	}
	timeout, r, ok := s.t.set.modelTimeout(a.TimeoutSeconds)
	if !ok {
		return r, nil
	}
	if a.Command == nil {
		return errorResult("the %q argument is missing; pass the shell command to run", "command"), nil
	}
	return s.RunShell(ctx, *a.Command, deref(a.Stdin), timeout)
}

// callUploadFile is Call of upload_file.
func (s *Session) callUploadFile(ctx context.Context, args json.RawMessage) (Result, error) {
	var a struct {
		Path     *string `json:"path"`
		Content  *string `json:"content"`
		Encoding *string `json:"encoding"`
	}
	if r, ok := decodeArgs(ToolUploadFile, args, &a, "path", "content", "encoding"); !ok {
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
}

// callPathTool is Call of download_file and delete_file, whose one
// argument is the file's path.
func (s *Session) callPathTool(ctx context.Context, name string, args json.RawMessage) (Result, error) {
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
}

// callListFiles is Call of list_files.
func (s *Session) callListFiles(ctx context.Context, args json.RawMessage) (Result, error) {
	var a struct {
		Path      *string          `json:"path"`
		Recursive *json.RawMessage `json:"recursive"`
	}
	if r, ok := decodeArgs(ToolListFiles, args, &a, "path", "recursive"); !ok {
		return r, nil
	}
	recursive, r, ok := modelBool("recursive", a.Recursive)
	if !ok {
		return r, nil
	}
	return s.ListFiles(ctx, deref(a.Path), recursive)
}

// callNoArgs is Call of reset_session and pool_info, which take no
// arguments.
func (s *Session) callNoArgs(ctx context.Context, name string, args json.RawMessage) (Result, error) {
	var a struct{}
	if r, ok := decodeArgs(name, args, &a); !ok {
		return r, nil
	}
	if name == ToolPoolInfo {
		return s.PoolInfo(ctx)
	}
	return s.Reset(ctx)
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
	if quoted, ok := strings.CutPrefix(msg, "unknown field "); ok {
		// The name is the model's: quote a head of it, in case data
		// went where a key goes.
		if name, err := strconv.Unquote(quoted); err == nil {
			quoted = strconv.Quote(clipForMessage(name))
		}
		return "it has an unknown field " + quoted
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
	if isNull(raw) {
		return 0, Result{}, true
	}
	text := numberInString(string(bytes.TrimSpace(*raw)))
	limits := fmt.Sprintf("a number of seconds from 1 to %d, or null for the default of %d", int(set.maxTimeout.Seconds()), int(set.timeout.Seconds()))
	secs, err := strconv.ParseFloat(text, 64)
	// Refusals quote the head of what was sent: a number can be thousands
	// of digits long.
	got := argHead(text)
	if err != nil && !errors.Is(err, strconv.ErrRange) || !isJSONNumber(text) {
		return 0, errorResult("timeout_seconds must be %s; got %s", limits, got), false
	}
	if secs == 0 && text[0] != '-' && nonzeroMantissa(text) {
		secs = math.SmallestNonzeroFloat64 // 1e-400: positive, too small for a float64
	}
	if secs <= 0 {
		// 0 and negatives (and -1e400) are not a limit: refuse them, rather
		// than guess whether the model meant "none" or the default.
		return 0, errorResult("timeout_seconds must be a positive number of seconds (at most %d), or null for the default of %d; got %s", int(set.maxTimeout.Seconds()), int(set.timeout.Seconds()), got), false
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
