package azsessions

import (
	"strings"
	"time"
)

// APIVersion is a version of the dynamic sessions data-plane API.
type APIVersion string

const (
	// APIVersion20241002Preview is the first version of the current contract.
	APIVersion20241002Preview APIVersion = "2024-10-02-preview"
	// APIVersion20250202Preview adds session management and pool metadata.
	APIVersion20250202Preview APIVersion = "2025-02-02-preview"
	// APIVersion20251002Preview adds recursive file listing, output caps,
	// shell pools and stopSession. It is the default.
	APIVersion20251002Preview APIVersion = "2025-10-02-preview"
)

// PossibleAPIVersionValues returns the api-versions the SDK supports.
func PossibleAPIVersionValues() []APIVersion {
	return []APIVersion{APIVersion20241002Preview, APIVersion20250202Preview, APIVersion20251002Preview}
}

// Predates reports whether v is a dated api-version older than first, by
// the date it begins with. A version that does not begin with a date (a
// future or private name) is taken as not older, so code that leaves out what
// an old version lacks keeps sending it to versions it does not know.
func (v APIVersion) Predates(first APIVersion) bool {
	date, firstDate := leadingDate(v), leadingDate(first)
	return date != "" && firstDate != "" && date < firstDate
}

// leadingDate returns the YYYY-MM-DD v begins with, or "" when it does not
// begin with a date.
func leadingDate(v APIVersion) string {
	if len(v) < len(time.DateOnly) {
		return ""
	}
	date := string(v[:len(time.DateOnly)])
	if _, err := time.Parse(time.DateOnly, date); err != nil {
		return ""
	}
	return date
}

// CodeInputType says how ExecutionRequest.Code is encoded.
type CodeInputType string

const (
	// CodeInputTypeInline: the code is plain text.
	CodeInputTypeInline CodeInputType = "Inline"
	// CodeInputTypeInlineBase64: the code is base64 encoded.
	CodeInputTypeInlineBase64 CodeInputType = "InlineBase64"
	// CodeInputTypeInlineText: the code is plain text.
	CodeInputTypeInlineText CodeInputType = "InlineText"
)

// PossibleCodeInputTypeValues returns the values of CodeInputType.
func PossibleCodeInputTypeValues() []CodeInputType {
	return []CodeInputType{CodeInputTypeInline, CodeInputTypeInlineBase64, CodeInputTypeInlineText}
}

// ExecutionType says whether an execution ran synchronously.
type ExecutionType string

const (
	// ExecutionTypeSynchronous: the response carried the result.
	ExecutionTypeSynchronous ExecutionType = "Synchronous"
	// ExecutionTypeAsynchronous: the result is fetched by polling.
	ExecutionTypeAsynchronous ExecutionType = "Asynchronous"
)

// PossibleExecutionTypeValues returns the values of ExecutionType.
func PossibleExecutionTypeValues() []ExecutionType {
	return []ExecutionType{ExecutionTypeSynchronous, ExecutionTypeAsynchronous}
}

// ExecutionStatus is the state of an execution.
type ExecutionStatus string

const (
	// ExecutionStatusNotStarted: queued, not yet running.
	ExecutionStatusNotStarted ExecutionStatus = "NotStarted"
	// ExecutionStatusRunning: running.
	ExecutionStatusRunning ExecutionStatus = "Running"
	// ExecutionStatusSucceeded: finished without error.
	ExecutionStatusSucceeded ExecutionStatus = "Succeeded"
	// ExecutionStatusFailed: finished with an error; see Execution.Failure.
	ExecutionStatusFailed ExecutionStatus = "Failed"
	// ExecutionStatusCanceled: canceled before it finished.
	ExecutionStatusCanceled ExecutionStatus = "Canceled"
)

// PossibleExecutionStatusValues returns the values of ExecutionStatus.
func PossibleExecutionStatusValues() []ExecutionStatus {
	return []ExecutionStatus{ExecutionStatusNotStarted, ExecutionStatusRunning, ExecutionStatusSucceeded, ExecutionStatusFailed, ExecutionStatusCanceled}
}

// running reports whether the execution is said not to have finished. Any
// other status, one the SDK does not know included, ends a wait: polling
// on could lose a result already in hand.
func (s ExecutionStatus) running() bool {
	return s == ExecutionStatusNotStarted || s == ExecutionStatusRunning
}

// ExecutionFailure says why an execution failed.
type ExecutionFailure string

const (
	// ExecutionFailureNone: the execution did not fail (or has not finished).
	ExecutionFailureNone ExecutionFailure = ""
	// ExecutionFailureError: the code raised; Result.Stderr has the traceback.
	ExecutionFailureError ExecutionFailure = "Error"
	// ExecutionFailureExitCode: a shell command exited with a non-zero code.
	ExecutionFailureExitCode ExecutionFailure = "ExitCode"
	// ExecutionFailureTimeout: the code ran past its timeout and was stopped.
	ExecutionFailureTimeout ExecutionFailure = "Timeout"
	// ExecutionFailureMemory: the code exhausted the session's memory.
	ExecutionFailureMemory ExecutionFailure = "Memory"
	// ExecutionFailureKernelRestarted: the interpreter died; the session's
	// variables are gone.
	ExecutionFailureKernelRestarted ExecutionFailure = "KernelRestarted"
	// ExecutionFailureCanceled: the execution was canceled.
	ExecutionFailureCanceled ExecutionFailure = "Canceled"
)

// PossibleExecutionFailureValues returns the values of ExecutionFailure.
func PossibleExecutionFailureValues() []ExecutionFailure {
	return []ExecutionFailure{ExecutionFailureNone, ExecutionFailureError, ExecutionFailureExitCode, ExecutionFailureTimeout, ExecutionFailureMemory, ExecutionFailureKernelRestarted, ExecutionFailureCanceled}
}

// FileType says whether a File is a file or a directory.
type FileType string

const (
	// FileTypeFile: a regular file.
	FileTypeFile FileType = "file"
	// FileTypeDirectory: a directory.
	FileTypeDirectory FileType = "directory"
)

// PossibleFileTypeValues returns the values of FileType.
func PossibleFileTypeValues() []FileType {
	return []FileType{FileTypeFile, FileTypeDirectory}
}

// normalize maps any casing of a known value to its canonical spelling and
// leaves unknown values as sent.
func normalize[T ~string](v string, known []T) T {
	for _, k := range known {
		if strings.EqualFold(v, string(k)) {
			return k
		}
	}
	return T(v)
}
