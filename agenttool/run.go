package agenttool

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/words"
)

// networkGrace is how much longer than the run's timeout the toolkit waits
// for the pool's answer before it reports the run as timed out itself.
const networkGrace = 30 * time.Second

// serviceDefaultCap is the pool's output cap when it ignores
// outputStreamsMaxLength (older api-versions).
const serviceDefaultCap = 4096

// shellEnd ends the stdout of every shell run, written by an EXIT trap, so
// the toolkit can tell when the pool dropped the last line of output (seen
// in a few percent of shell-pool runs). The trap shares the command's first
// line, so the shell's line numbers stay the model's.
const (
	shellEnd     = "__azsessions_end_of_output__"
	shellEndTrap = `trap 'printf "\n%s\n" ` + shellEnd + `' EXIT; `
)

// stripShellEnd removes the end marker from a shell run's stdout and
// reports whether it was there.
func stripShellEnd(stdout string) (string, bool) {
	if s, ok := strings.CutSuffix(stdout, "\n"+shellEnd+"\n"); ok {
		return s, true
	}
	if s, ok := strings.CutSuffix(stdout, "\n"+shellEnd); ok {
		return s, true
	}
	return stdout, false
}

// RunPython runs code in the session's Python interpreter. A timeout of 0
// means Options.Timeout; longer than the maximum is capped. Code that
// fails is a Result with IsError, not an error.
func (s *Session) RunPython(ctx context.Context, code string, timeout time.Duration) (Result, error) {
	if s.t.set.poolType != PoolTypePython {
		return errorResult("run_python needs a Python pool; this is a %s pool, use run_shell", s.t.set.poolType), nil
	}
	if s.t.set.stripFences {
		code = stripFence(code)
	}
	if strings.TrimSpace(code) == "" {
		return errorResult("the code is empty; pass the Python code to run"), nil
	}
	if strings.ContainsRune(code, 0) && !cellMagic(code) {
		// Python refuses it anywhere in source; the pool's answer would be
		// a traceback through the kernel's own code. A cell magic's body
		// never reaches the compiler (IPython passes it as a string).
		return errorResult("the code holds a NUL character, which Python refuses in source code, even in a string; write it as '\\x00' inside the string."), nil
	}
	return s.run(ctx, ToolRunPython, azsessions.NewCodeRequest(code), timeout)
}

// cellMagic reports whether IPython runs code as a cell magic: its first
// line that is not blank starts with %% once indented no more.
func cellMagic(code string) bool {
	for line := range strings.Lines(code) {
		if strings.TrimSpace(line) != "" {
			return strings.HasPrefix(strings.TrimLeft(line, " \t"), "%%")
		}
	}
	return false
}

// RunShell runs command with the shell of a shell pool, with stdin as its
// standard input. timeout is as in RunPython.
func (s *Session) RunShell(ctx context.Context, command, stdin string, timeout time.Duration) (Result, error) {
	if s.t.set.poolType != PoolTypeShell {
		return errorResult("run_shell needs a shell pool; this is a %s pool, use run_python", s.t.set.poolType), nil
	}
	if s.t.set.stripFences {
		command = stripFence(command)
	}
	if strings.TrimSpace(command) == "" {
		return errorResult("the command is empty; pass the shell command to run"), nil
	}
	if strings.ContainsRune(command, 0) || strings.ContainsRune(stdin, 0) {
		return errorResult("the command or stdin holds a NUL character, which the pool cannot pass on"), nil
	}
	req := azsessions.NewShellRequest(shellEndTrap + command)
	if stdin != "" {
		req.Stdin = &stdin
	}
	return s.run(ctx, ToolRunShell, req, timeout)
}

// runTimeout is the limit a run gets for the timeout asked: the default for
// 0, else within 1 s and the maximum, rounded up to whole seconds, the unit
// the pool counts in, so what the result says is what the pool had.
func (set settings) runTimeout(d time.Duration) time.Duration {
	switch {
	case d <= 0:
		d = set.timeout
	case d > set.maxTimeout:
		d = set.maxTimeout
	case d < time.Second:
		d = time.Second
	}
	return d + (time.Second-d%time.Second)%time.Second
}

// timeoutNote says how the run's limit differs from the one asked for, if
// it does; "" when it is the same or none was asked for.
func (set settings) timeoutNote(asked, got time.Duration) string {
	switch {
	case asked <= 0 || asked == got:
		return ""
	case asked > set.maxTimeout:
		return fmt.Sprintf("The timeout asked for is over the limit of %s; the run had %s.", words.Seconds(set.maxTimeout), words.Seconds(got))
	case asked < time.Second:
		return "The timeout asked for is under the minimum of 1 second; the run had 1 second."
	}
	return fmt.Sprintf("The timeout asked for, %s seconds, is not a whole number of seconds, which the pool counts in; the run had %s.", strconv.FormatFloat(asked.Seconds(), 'f', -1, 64), words.Seconds(got))
}

// poolCap is the output cap asked of the pool: well above the budget, so
// the toolkit usually sees a stream whole and can say exactly what it cut.
func (set settings) poolCap() int32 {
	c := int64(set.outputBudget) * 4
	c = max(c, serviceDefaultCap)
	return int32(min(c, math.MaxInt32))
}

// hasOutputCap reports whether api-version v has outputStreamsMaxLength
// (2025-10-02-preview and later). The SDK sends the field whatever the
// version, so the toolkit leaves it out for older ones, where the pool cuts
// at its default. Versions are compared by their date; one that does not
// start with a date is taken to be newer.
func hasOutputCap(v azsessions.APIVersion) bool {
	return !v.Predates(azsessions.APIVersion20251002Preview)
}

// run runs req in the session for tool (run_python or run_shell) and
// reports what it did: output, failure, and the files it changed.
func (s *Session) run(ctx context.Context, tool string, req azsessions.ExecutionRequest, timeout time.Duration) (Result, error) {
	asked := timeout
	timeout = s.t.set.runTimeout(asked)
	var notes []string
	if n := s.t.set.timeoutNote(asked, timeout); n != "" {
		notes = append(notes, n)
	}
	poolCap := s.limitRequest(&req, timeout)

	if err := s.acquire(ctx); err != nil {
		return Result{}, err
	}
	defer s.release()
	s.use()

	detect, notes, err := s.snapshotFiles(ctx, notes)
	if err != nil {
		return Result{}, err
	}
	resp, notes, final, err := s.execute(ctx, tool, req, timeout, notes)
	if final != nil || err != nil {
		return deref(final), err
	}
	rep := newRunReport(resp, timeout, tool == ToolRunShell, notes)
	rep.signs = signsOf(req)
	s.addOutput(rep, tool, resp, poolCap)
	if detect {
		if err := s.addFileChanges(ctx, rep); err != nil {
			return Result{}, err
		}
	}
	return rep.result(), nil
}

// limitRequest sets the run's time limit on req and, where the api-version
// has the field, the output cap asked of the pool; it returns the cap the
// pool applies.
func (s *Session) limitRequest(req *azsessions.ExecutionRequest, timeout time.Duration) int32 {
	secs := int32(timeout / time.Second)
	req.TimeoutInSeconds = &secs
	if !s.t.askCap {
		return serviceDefaultCap
	}
	poolCap := s.t.set.poolCap()
	req.OutputStreamsMaxLength = &poolCap
	return poolCap
}

// snapshotFiles lists the session's files before its first run with file
// detection on, so that the run's changes can be told, and reports whether
// to detect them after this run. A listing the pool fails turns detection
// off for this run, with a note; one the host fails is an error.
func (s *Session) snapshotFiles(ctx context.Context, notes []string) (detect bool, _ []string, _ error) {
	if !s.t.set.detectFiles || s.snapshot != nil {
		return s.t.set.detectFiles, notes, nil
	}
	snap, err := s.listAll(ctx)
	if isNotFound(err) {
		snap, err = map[string]fileState{}, nil // no session yet: no files
	}
	if err == nil {
		s.snapshot = snap
		return true, notes, nil
	}
	if ctx.Err() != nil {
		return false, notes, ctx.Err()
	}
	switch {
	case errors.Is(err, errTooManyFiles):
		notes = append(notes, tooManyFilesNote)
	case hostError(err):
		return false, notes, fmt.Errorf("agenttool: listing the files before the run: %w", err)
	default:
		notes = append(notes, "The files could not be listed before the run, so created files are not reported.")
	}
	return false, notes, nil
}

// execute runs req, waiting for the pool up to the run's timeout plus
// networkGrace, after the time runs the host cancelled may still hold the
// sandbox (at most maxWaitForAbandoned), which a note tells the model. When
// the pool gives no answer to report, final is the Result to return
// instead (the run timed out, or the pool refused it).
func (s *Session) execute(ctx context.Context, tool string, req azsessions.ExecutionRequest, timeout time.Duration, notes []string) (resp azsessions.ExecutionClientExecuteResponse, _ []string, final *Result, err error) {
	start := time.Now()
	pending := s.abandoned.pending(start)
	wait := min(pending, s.t.set.maxWaitForAbandoned())
	if pending > 0 {
		notes = append(notes, s.abandonedNote(pending, wait))
	}
	runCtx, cancel := context.WithTimeout(ctx, wait+timeout+networkGrace)
	resp, err = s.t.exec.Execute(runCtx, s.Identifier(), req, nil)
	cancel()
	switch {
	case err == nil:
		// The pool runs a session's code in order: runs abandoned before
		// this one have ended.
		s.abandoned = abandonedRuns{}
		return resp, notes, nil, nil
	case ctx.Err() != nil:
		// The pool does not stop a run whose caller hung up: it goes on,
		// after the ones it waited for, up to its limit.
		s.abandoned.add(start, timeout)
		return resp, notes, nil, ctx.Err()
	case errors.Is(err, context.DeadlineExceeded):
		// Our own deadline: the pool never answered. State is unknown.
		s.snapshot = nil
		r := s.timedOutResult(timeout, wait, pending)
		if wait < pending {
			// Still queued behind cancelled runs: it will run after them.
			s.abandoned.add(start, timeout)
		}
		return resp, notes, &r, nil
	case !hostError(err) && !isNotFound(err):
		// A run names no file: a 404 says the endpoint or the pool is wrong.
		r := errorResult("the pool refused to run it: %s", s.serviceProblem(err))
		return resp, notes, &r, nil
	}
	return resp, notes, nil, fmt.Errorf("agenttool: running %s: %w", tool, err)
}

// stream applies the output budget to one stream and adds the notes on
// what was cut, by the pool or by the toolkit.
func (s *Session) stream(name, text string, poolCut bool, poolCap int, notes []string) (string, []string) {
	kept, c := clip(text, s.t.set.outputBudget)
	// The SDK flags a stream exactly as long as the cap: the pool cuts
	// without a marker, so that is all anyone can see, and output that is
	// whole at exactly the cap looks the same.
	switch {
	case poolCut:
		notes = append(notes, fmt.Sprintf("%s reached the pool's cap of %d characters, so it was probably cut; the rest of it, if there was more, was lost. Write long output to a file in /mnt/data instead.", name, poolCap))
	case c.total == serviceDefaultCap && poolCap != serviceDefaultCap:
		notes = append(notes, fmt.Sprintf("%s is exactly %d characters, the pool's default cap: it may have been cut.", name, c.total))
	}
	if c.cut > 0 {
		notes = append(notes, c.note(name))
	}
	return kept, notes
}

// timedOutResult is the result of a run the pool did not answer in time:
// within its timeout and networkGrace, after waiting wait for cancelled runs
// that could hold the sandbox for pending.
func (s *Session) timedOutResult(timeout, wait, pending time.Duration) Result {
	out := &RunOutput{Status: "failed", Failure: "timeout", Notes: []string{}, Files: []FileInfo{}, Images: []ImageInfo{}}
	l := newLayout("failed")
	total, limit := words.Seconds(wait+timeout+networkGrace), words.Seconds(timeout)
	switch {
	case wait < pending:
		l.linef("failure: timeout: the sandbox was still busy with runs cancelled earlier (the pool cannot stop them) and did not answer within %s (this run's limit of %s, %d s more, and %s for them); this run may still run after them, and the session's state is unknown. reset_session stops them all (it deletes the sandbox: variables and files are lost).", total, limit, int(networkGrace.Seconds()), words.Seconds(wait))
	case wait > 0:
		l.linef("failure: timeout: the pool did not answer within %s (the run's limit of %s, %d s more, and %s for runs cancelled earlier); the run may still be going, and the session's state is unknown.", total, limit, int(networkGrace.Seconds()), words.Seconds(wait))
	default:
		l.linef("failure: timeout: the pool did not answer within %s (the run's limit of %s plus %d s); the run may still be going, and the session's state is unknown.", total, limit, int(networkGrace.Seconds()))
	}
	l.line("(no output)")
	return Result{Text: l.String(), IsError: true, Structured: out, Files: out.Files}
}

func failureName(f azsessions.ExecutionFailure) string {
	switch f {
	case azsessions.ExecutionFailureError:
		return "error"
	case azsessions.ExecutionFailureExitCode:
		return "exit_code"
	case azsessions.ExecutionFailureTimeout:
		return "timeout"
	case azsessions.ExecutionFailureMemory:
		return "memory"
	case azsessions.ExecutionFailureKernelRestarted:
		return "kernel_restarted"
	case azsessions.ExecutionFailureCanceled:
		return "canceled"
	}
	return strings.ToLower(string(f))
}

// failureSentence says what a failure means and what to try. A shell pool
// keeps no variables (each command is a new shell): only files remain.
func failureSentence(f azsessions.ExecutionFailure, e azsessions.Execution, timeout time.Duration, shell bool) string {
	limit := words.Seconds(timeout)
	if shell {
		switch f {
		case azsessions.ExecutionFailureTimeout:
			return fmt.Sprintf("the command took longer than its limit of %s and was stopped; what it wrote to files so far remains. Split the work, or pass a larger timeout_seconds.", limit)
		case azsessions.ExecutionFailureMemory:
			return "the command ran out of memory and was stopped; what it wrote to files so far remains. Work on less data at a time."
		}
	}
	switch f {
	case azsessions.ExecutionFailureError:
		return "the code raised an exception; the traceback is in stderr. Variables set before the error are kept."
	case azsessions.ExecutionFailureExitCode:
		return fmt.Sprintf("the command exited with code %d.", deref(e.ExitCode))
	case azsessions.ExecutionFailureTimeout:
		return fmt.Sprintf("the run took longer than its limit of %s and was stopped; variables may be lost. Split the work, or pass a larger timeout_seconds.", limit)
	case azsessions.ExecutionFailureMemory:
		return "the code ran out of memory and was stopped; variables may be lost. Work on less data at a time."
	case azsessions.ExecutionFailureKernelRestarted:
		return "the interpreter crashed and was restarted: variables and imports are gone, files in /mnt/data remain."
	case azsessions.ExecutionFailureCanceled:
		return "the run was canceled before it finished."
	}
	return "the run failed."
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
