// Package runtime runs user code for the emulator: a long-lived, stateful
// Python interpreter per session and one-shot bash commands for shell pools.
//
// The HTTP layer (package server) owns sessions, files and the wire format;
// this package only knows how to run code inside a directory that stands in
// for the session's /mnt/data.
package runtime

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Outcome classifies how an execution ended, so the HTTP layer can map it to
// the service's status values and stderr messages without matching strings.
type Outcome string

const (
	// OutcomeSucceeded: the code ran to the end (Python), or the command ran
	// (shell; see Result.ExitCode).
	OutcomeSucceeded Outcome = "Succeeded"
	// OutcomeFailed: the code raised; Result.Stderr holds the traceback.
	OutcomeFailed Outcome = "Failed"
	// OutcomeTimedOut: the code ran past Request.Timeout; the interpreter was
	// killed and will be replaced on the next execution.
	OutcomeTimedOut Outcome = "TimedOut"
	// OutcomeMemoryAborted: the code exhausted the memory limit.
	OutcomeMemoryAborted Outcome = "MemoryAborted"
	// OutcomeKernelRestarted: the interpreter died (crash, os._exit, signal);
	// the next execution gets a fresh one.
	OutcomeKernelRestarted Outcome = "KernelRestarted"
)

// Service messages for the failure outcomes, as recorded in the contract.
const (
	MessageTimedOut        = "Request timed out waiting for code execution to complete"
	MessageMemoryAborted   = "Execution aborted"
	MessageKernelRestarted = "Kernel restarted"
)

// Request is one execution.
type Request struct {
	// Code is Python source (python pools).
	Code string
	// ShellCommand is a bash command line (shell pools).
	ShellCommand string
	// ExecCommandAndArgs is argv run without a shell (shell pools).
	ExecCommandAndArgs []string
	// Stdin is fed to the shell command (shell pools).
	Stdin string
	// Timeout is the wall-clock limit; the caller has already applied the
	// default and the 220 s cap. Zero means the caller's default.
	Timeout time.Duration
	// MaxOutput is the cap, in characters, of stdout and of stderr each.
	// Output past it is cut without a marker. Zero means 4096; values
	// above MaxOutputLimit mean MaxOutputLimit.
	MaxOutput int
	// UseEmptyKernel asks for an interpreter without pre-imported libraries.
	UseEmptyKernel bool
}

// Image is a figure produced by the code (matplotlib), PNG encoded.
type Image struct {
	Format     string // "png"
	Base64Data string
}

// Value is the value of the last expression of a Python cell.
type Value struct {
	// Present is false when the cell did not end in an expression.
	Present bool
	// IsNone is true when the last expression evaluated to None.
	IsNone bool
	// Repr is repr() of the value (what Jupyter shows as text/plain).
	Repr string
	// Native is the value as native JSON when it is a bool, int, float
	// (finite) or str; nil otherwise.
	Native json.RawMessage
	// Image is set when the cell produced a figure; it wins over the rest.
	Image *Image
}

// Result is what an execution produced.
type Result struct {
	Outcome Outcome
	Stdout  string
	Stderr  string
	// StdoutFull and StderrFull are the lengths before the cap was applied,
	// so callers can tell the streams were cut.
	StdoutFull int
	StderrFull int
	Value      Value
	// ExitCode is the shell command's exit status (shell pools).
	ExitCode int
	// Duration is how long the code itself ran.
	Duration time.Duration
}

// Session runs code for one emulated session. Implementations run one
// execution at a time and are safe for concurrent use (callers queue).
type Session interface {
	// Execute runs req. A failure of the user's code is a Result, not an
	// error; error is for the emulator's own faults and ctx cancellation.
	Execute(ctx context.Context, req Request) (Result, error)
	// Close kills every process of the session and waits for them.
	Close() error
}

// Factory hands out sessions bound to a directory (the session's /mnt/data).
type Factory interface {
	// NewSession returns a session whose working directory, and whose view
	// of /mnt/data, is dir. New reports whether a fresh process had to be
	// started (false when a ready, pre-started one was used).
	NewSession(ctx context.Context, dir string) (s Session, started bool, err error)
	// Info describes the runtime for /metadata.
	Info(ctx context.Context) (Info, error)
	// Close stops every ready process kept by the factory.
	Close() error
}

// Package is an installed package, for /metadata.
type Package struct{ Name, Version string }

// Info describes a runtime for /metadata.
type Info struct {
	RuntimeName    string // "python" or "bash"
	RuntimeVersion string // e.g. "3.11.7"
	Packages       []Package
	KernelName     string // e.g. "python3"
	KernelVersion  string
	// Kernel says what runs Python cells: KernelIPython or KernelPlain;
	// empty for other runtimes.
	Kernel string
	// KernelDescription says what runs the code, for /metadata.
	KernelDescription string
}

// openSessionDir returns dir, made absolute, for a new session of a
// factory whose closed flag mu guards: ErrClosed once the factory is
// closed, an error when dir is not an existing directory.
func openSessionDir(mu *sync.Mutex, closed *bool, dir string) (string, error) {
	mu.Lock()
	c := *closed
	mu.Unlock()
	if c {
		return "", ErrClosed
	}
	return sessionDir(dir)
}

// sessionDir returns dir as an absolute path after checking it is a
// directory, so a bad dir fails NewSession rather than the first Execute.
func sessionDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("runtime: session dir: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", fmt.Errorf("runtime: session dir: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("runtime: session dir %s is not a directory", abs)
	}
	return abs, nil
}
