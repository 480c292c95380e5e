package azsessions

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

// ExecutionRequest is the code or command to run. Build one with
// NewCodeRequest, NewShellRequest or NewExecRequest and set the optional
// fields as needed. Fields left nil are not sent. The request travels as
// JSON, which carries text only: a Code, ShellCommand, Stdin or argument
// that is not valid UTF-8 is refused with ErrInvalidArgument, as is a
// request with neither Code nor a command.
type ExecutionRequest struct {
	// Code is the source to run in a code-interpreter pool (Python or Node).
	Code *string
	// CodeInputType says how Code is encoded. Nil sends CodeInputTypeInline
	// when Code is set; it is not sent for shell requests, which shell pools
	// reject it on.
	CodeInputType *CodeInputType
	// TimeoutInSeconds limits the execution. The service caps it at 220.
	TimeoutInSeconds *int32
	// OutputStreamsMaxLength caps stdout and stderr, each, in characters.
	// The service default is 4096. Output past the cap is dropped without a
	// marker; ExecutionResult.StdoutTruncated tells when that probably
	// happened. (2025-10-02-preview and later.)
	OutputStreamsMaxLength *int32
	// UseEmptyKernel runs the code in a kernel without pre-imported
	// libraries. (2025-10-02-preview and later.)
	UseEmptyKernel *bool
	// ReturnJupyterFormatExecutionResult asks the service to format primitive
	// results (bool, int, float, str, None) as JSON. (2025-10-02-preview and
	// later.)
	ReturnJupyterFormatExecutionResult *bool
	// ShellCommand is a command line run by the shell of a shell pool.
	ShellCommand *string
	// ExecCommandAndArgs is a program and its arguments, run without a shell
	// in a shell pool.
	ExecCommandAndArgs []string
	// Stdin is standard input for ShellCommand or ExecCommandAndArgs.
	Stdin *string
}

// NewCodeRequest returns a request that runs code inline in a
// code-interpreter pool: exec.Execute(ctx, id, azsessions.NewCodeRequest("print(1)"), nil).
func NewCodeRequest(code string) ExecutionRequest {
	t := CodeInputTypeInline
	return ExecutionRequest{Code: &code, CodeInputType: &t}
}

// NewShellRequest returns a request that runs command with the shell of a
// shell pool.
func NewShellRequest(command string) ExecutionRequest {
	return ExecutionRequest{ShellCommand: &command}
}

// NewExecRequest returns a request that runs a program with arguments,
// without a shell, in a shell pool.
func NewExecRequest(program string, args ...string) ExecutionRequest {
	return ExecutionRequest{ExecCommandAndArgs: append([]string{program}, args...)}
}

// Execution is the state and, once finished, the result of one code
// execution.
type Execution struct {
	// ID identifies the execution (the operation-id).
	ID *string
	// Identifier is the session the execution ran in.
	Identifier *string
	// ExecutionType is Synchronous or Asynchronous.
	ExecutionType *ExecutionType
	// Status is the execution's state. The SDK normalises the spellings of
	// older api-versions ("Success", "Failure", any casing) and of shell
	// pools, which send the exit code: 0 is Succeeded, any other code Failed.
	Status *ExecutionStatus
	// ExitCode is the process exit code sent by shell pools; nil elsewhere.
	ExitCode *int
	// Result holds the output once the execution has finished.
	Result *ExecutionResult
	// Error describes a failure reported by the service itself, when any.
	Error *ExecutionError
}

// Succeeded reports whether the execution finished and the code did not
// fail (for shell pools: exited with code 0).
func (e Execution) Succeeded() bool {
	return e.Status != nil && *e.Status == ExecutionStatusSucceeded
}

// Failure says why a finished execution failed, without matching strings
// yourself. It returns ExecutionFailureNone for a successful or unfinished
// execution. An answer without a Status that carries the service's Error
// has failed: the error is classified as for a Failed status.
//
// Timeout, Memory and KernelRestarted are reported only when stderr (or the
// service's error message) is the service's own text for them, alone; code
// that prints such a text and then raises is an ordinary Error.
func (e Execution) Failure() ExecutionFailure {
	switch {
	case e.Status == nil:
		// A 200 with an error but no status still ends the wait; without
		// this, a caller that asks only Failure would take it for success.
		if e.Error == nil {
			return ExecutionFailureNone
		}
	case *e.Status == ExecutionStatusFailed:
	case *e.Status == ExecutionStatusCanceled:
		return ExecutionFailureCanceled
	default:
		return ExecutionFailureNone
	}
	texts := make([]string, 0, 2)
	if e.Result != nil && e.Result.Stderr != nil {
		texts = append(texts, *e.Result.Stderr)
	}
	if e.Error != nil && e.Error.Message != nil {
		texts = append(texts, *e.Error.Message)
	}
	for _, text := range texts {
		for _, m := range [...]struct {
			message string
			failure ExecutionFailure
		}{
			{messageTimedOut, ExecutionFailureTimeout},
			{messageExecutionAborted, ExecutionFailureMemory},
			{messageKernelRestarted, ExecutionFailureKernelRestarted},
		} {
			if isServiceMessage(text, m.message) {
				return m.failure
			}
		}
	}
	if e.ExitCode != nil {
		return ExecutionFailureExitCode
	}
	return ExecutionFailureError
}

// The service's stderr texts for failures that are not the code's own.
const (
	messageTimedOut         = "Request timed out waiting for code execution to complete"
	messageExecutionAborted = "Execution aborted"
	messageKernelRestarted  = "Kernel restarted"
)

// isServiceMessage tells whether text is the service's own message, not
// user output that merely starts with it: the message alone on one line, or
// followed by a detail the service (or the emulator) adds, " after N
// seconds" or ": reason". A second line (a traceback after code printed the
// message itself) or any other continuation ("Kernel restarted because...")
// is the user's.
func isServiceMessage(text, message string) bool {
	text = strings.TrimSpace(text)
	rest, ok := strings.CutPrefix(text, message)
	switch {
	case !ok:
		return false
	case strings.ContainsAny(rest, "\r\n"):
		return false
	case rest == "" || rest == ".":
		return true
	case strings.HasPrefix(rest, ": "):
		return true
	}
	secs, ok := strings.CutPrefix(rest, " after ")
	if !ok {
		return false
	}
	secs, ok = strings.CutSuffix(secs, " seconds")
	return ok && secs != "" && strings.Trim(secs, "0123456789") == ""
}

// ExecutionResult is the output of a finished execution.
type ExecutionResult struct {
	// Stdout is what the code wrote to standard output, up to the cap.
	Stdout *string
	// Stderr is what the code wrote to standard error (a traceback when the
	// code raised), up to the cap.
	Stderr *string
	// Value is the value of the cell's last expression as the service sent
	// it (wire name executionResult; result in older api-versions): often a
	// string holding the Python repr, JSON null for None, or an image object.
	// It is nil when the service sent nothing.
	Value json.RawMessage
	// Image is the decoded figure when Value is an image result.
	Image *Image
	// ExecutionTimeInMilliseconds is how long the code ran.
	ExecutionTimeInMilliseconds *int64
	// StdoutTruncated is true when Stdout is exactly as long as the output
	// cap, so the service probably dropped the rest (it adds no marker).
	// ExecutionClient.Get takes the cap from
	// ExecutionClientGetOptions.OutputStreamsMaxLength, and else to be the
	// default, 4096; a poller resumed from a token keeps the cap of the
	// request that started it.
	StdoutTruncated bool
	// StderrTruncated is the same for Stderr.
	StderrTruncated bool
}

// Text returns Value for display: a JSON string unquoted, "" for null or
// absent, and the JSON text of anything else.
func (r ExecutionResult) Text() string {
	v := strings.TrimSpace(string(r.Value))
	if v == "" || v == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(r.Value, &s) == nil {
		return s
	}
	return v
}

// Image is a picture the code produced (a matplotlib figure), decoded.
type Image struct {
	// Format is the image format, for example "png".
	Format string
	// Data is the image file's bytes.
	Data []byte
}

// ExecutionError is an error the service attached to an execution.
type ExecutionError struct {
	// Code is the service's error code.
	Code *string
	// Message describes the error for a person.
	Message *string
	// Target names what the error is about, when the service says.
	Target *string
}

// File describes a file or directory in a session's /mnt/data.
type File struct {
	// Name is the file's name, without directory.
	Name *string `json:"name,omitempty"`
	// Type is FileTypeFile or FileTypeDirectory.
	Type *FileType `json:"type,omitempty"`
	// ContentType is the media type the service assigned.
	ContentType *string `json:"contentType,omitempty"`
	// SizeInBytes is the file's size.
	SizeInBytes *int64 `json:"sizeInBytes,omitempty"`
	// LastModifiedAt is when the file last changed.
	LastModifiedAt *time.Time `json:"lastModifiedAt,omitempty"`
	// Directory is the directory holding the file (2025-10-02-preview and
	// later). In a listing it is relative to the listed path: "" for the
	// path's own entries, "b/c" for a/b/c/x.txt in a recursive listing of
	// "a". In Get and Upload answers it is relative to /mnt/data.
	Directory *string `json:"directory,omitempty"`
}

// FileList is one page of a file listing.
type FileList struct {
	// Value holds the files of this page.
	Value []*File `json:"value"`
	// NextLink is the URL of the next page, nil on the last.
	NextLink *string `json:"nextLink,omitempty"`
}

// Session describes a live session.
type Session struct {
	// Identifier is the caller-chosen session identifier.
	Identifier *string
	// ExpiresAt is when the session will be deleted if left idle (wire name
	// expireAt or expiresAt, depending on the endpoint).
	ExpiresAt *time.Time
	// CreatedAt is when the session was allocated.
	CreatedAt *time.Time
	// LastAccessedAt is when the session last served a request.
	LastAccessedAt *time.Time
	// ETag identifies the container behind the session.
	ETag *azcore.ETag
}

// SessionList is one page of a session listing.
type SessionList struct {
	// Value holds the sessions of this page (wire name sessions or value).
	Value []*Session
	// Count is the total number of sessions, when the service sends it.
	Count *int64
	// NextLink is the URL of the next page, nil on the last.
	NextLink *string
}

// PoolMetadata describes what a session pool's sessions run.
type PoolMetadata struct {
	// Runtimes lists the language runtimes and their versions.
	Runtimes []*NameVersion `json:"runtimes,omitempty"`
	// PreInstalledPackages lists the packages available without installing.
	PreInstalledPackages []*NameVersion `json:"preInstalledPackages,omitempty"`
	// JupyterKernel describes the kernel that runs code.
	JupyterKernel *JupyterKernel `json:"jupyterKernel,omitempty"`
	// CreatedAt is when the pool's image was created.
	CreatedAt *time.Time `json:"createdAt,omitempty"`
	// LastUpdatedAt is when the pool's image was last updated.
	LastUpdatedAt *time.Time `json:"lastUpdatedAt,omitempty"`
}

// NameVersion is a runtime or package with its version.
type NameVersion struct {
	// Name is the runtime's or package's name.
	Name *string `json:"name,omitempty"`
	// Version is its version.
	Version *string `json:"version,omitempty"`
}

// JupyterKernel describes the Jupyter kernel of a code-interpreter pool.
type JupyterKernel struct {
	// Name is the kernel's name, for example "python3" or "IJavascript".
	Name *string `json:"name,omitempty"`
	// Version is the kernel's version.
	Version *string `json:"version,omitempty"`
	// ProjectURL is the kernel project's home page.
	ProjectURL *string `json:"projectUrl,omitempty"`
	// Description says what the kernel is.
	Description *string `json:"description,omitempty"`
}
