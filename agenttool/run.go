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
	return s.run(ctx, ToolRunPython, azsessions.NewCodeRequest(code), timeout)
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
		return fmt.Sprintf("The timeout asked for is over the limit of %d seconds; the run had %d seconds.", int(set.maxTimeout.Seconds()), int(got.Seconds()))
	case asked < time.Second:
		return "The timeout asked for is under the minimum of 1 second; the run had 1 second."
	}
	return fmt.Sprintf("The timeout asked for, %s seconds, is not a whole number of seconds, which the pool counts in; the run had %d seconds.", strconv.FormatFloat(asked.Seconds(), 'f', -1, 64), int(got.Seconds()))
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
	const first = azsessions.APIVersion20251002Preview
	date := string(v)
	if len(date) < 10 {
		return true
	}
	if _, err := time.Parse(time.DateOnly, date[:10]); err != nil {
		return true
	}
	return date[:10] >= string(first)[:10]
}

func (s *Session) run(ctx context.Context, tool string, req azsessions.ExecutionRequest, timeout time.Duration) (Result, error) {
	var notes []string
	asked := timeout
	timeout = s.t.set.runTimeout(timeout)
	if n := s.t.set.timeoutNote(asked, timeout); n != "" {
		notes = append(notes, n)
	}
	secs := int32(timeout / time.Second)
	req.TimeoutInSeconds = &secs
	poolCap := int32(serviceDefaultCap)
	if s.t.askCap {
		poolCap = s.t.set.poolCap()
		req.OutputStreamsMaxLength = &poolCap
	}

	if err := s.acquire(ctx); err != nil {
		return Result{}, err
	}
	defer s.release()
	s.use()

	detect := s.t.set.detectFiles
	if detect && s.snapshot == nil {
		snap, err := s.listAll(ctx)
		if isNotFound(err) {
			snap, err = map[string]fileState{}, nil // no session yet: no files
		}
		if err != nil {
			if ctx.Err() != nil {
				return Result{}, ctx.Err()
			}
			detect = false
			switch {
			case errors.Is(err, errTooManyFiles):
				notes = append(notes, tooManyFilesNote)
			case hostError(err):
				return Result{}, fmt.Errorf("agenttool: listing the files before the run: %w", err)
			default:
				notes = append(notes, "The files could not be listed before the run, so created files are not reported.")
			}
		} else {
			s.snapshot = snap
		}
	}

	runCtx, cancel := context.WithTimeout(ctx, timeout+networkGrace)
	resp, err := s.t.exec.Execute(runCtx, s.Identifier(), req, nil)
	cancel()
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, ctx.Err()
		}
		if errors.Is(err, context.DeadlineExceeded) {
			// Our own deadline: the pool never answered. State is unknown.
			s.snapshot = nil
			return s.timedOutResult(timeout), nil
		}
		if !hostError(err) {
			return errorResult("the pool refused to run it: %s", s.serviceProblem(err)), nil
		}
		return Result{}, fmt.Errorf("agenttool: running %s: %w", tool, err)
	}

	out := &RunOutput{Status: "succeeded", ExitCode: resp.ExitCode}
	failure := resp.Failure()
	if failure == azsessions.ExecutionFailureNone && !resp.Succeeded() {
		failure = azsessions.ExecutionFailureError // a status the SDK does not know
	}
	if failure != azsessions.ExecutionFailureNone {
		out.Status = "failed"
		out.Failure = failureName(failure)
	}

	var res Result
	var images []Image
	l := newLayout(out.Status)
	if failure != azsessions.ExecutionFailureNone {
		l.line("failure: " + out.Failure + ": " + failureSentence(failure, resp.Execution, timeout))
	}
	if resp.ExitCode != nil && *resp.ExitCode != 0 {
		l.linef("exit code: %d", *resp.ExitCode)
	}
	r := resp.Result
	if r == nil {
		r = &azsessions.ExecutionResult{}
	}
	if resp.Error != nil && resp.Error.Message != nil && (r.Stderr == nil || *r.Stderr == "") {
		msg := *resp.Error.Message
		r.Stderr = &msg
	}
	stdout := deref(r.Stdout)
	if tool == ToolRunShell {
		var marked bool
		stdout, marked = stripShellEnd(stdout)
		finished := failure == azsessions.ExecutionFailureNone || failure == azsessions.ExecutionFailureExitCode
		if !marked && finished && !r.StdoutTruncated {
			notes = append(notes, "The output did not end with the toolkit's end marker: the pool may have dropped its last line. Run the command again, or write its output to a file, if that line matters.")
		}
	}
	out.Stdout, notes = s.stream("stdout", stdout, r.StdoutTruncated, int(poolCap), notes)
	out.Stderr, notes = s.stream("stderr", deref(r.Stderr), r.StderrTruncated, int(poolCap), notes)
	if r.Image != nil {
		img, note := s.inlineImage(r.Image)
		if img != nil {
			images = append(images, *img)
			out.Value = "(an image: returned with this result as image content)"
		} else {
			out.Value = "(an image that is not returned: " + note + ")"
		}
	} else {
		var c clipped
		out.Value, c = clip(r.Text(), s.t.set.outputBudget)
		if c.cut > 0 {
			notes = append(notes, c.note("The value"))
		}
	}
	if out.Stdout == "" && out.Stderr == "" && out.Value == "" {
		l.line("(no output)")
	}
	if out.Stdout != "" {
		l.block("stdout", out.Stdout)
	}
	if out.Stderr != "" {
		l.block("stderr", out.Stderr)
	}
	if out.Value != "" {
		l.block("value", out.Value)
	}

	if detect {
		files, fileImages, fnotes, err := s.detectChanges(ctx, len(images), imageBytes(images))
		if err != nil {
			return Result{}, err
		}
		notes = append(notes, fnotes...)
		out.Files = files
		images = append(images, fileImages...)
	}
	for _, n := range notes {
		l.line("note: " + n)
	}
	writeFiles(l, out.Files)
	writeImages(l, images)
	out.Notes = notes
	out.Images = imageInfos(images)
	if out.Notes == nil {
		out.Notes = []string{}
	}
	if out.Files == nil {
		out.Files = []FileInfo{}
	}
	res.Text = l.String()
	res.IsError = failure != azsessions.ExecutionFailureNone
	res.Images = images
	res.Files = out.Files
	res.Structured = out
	return res, nil
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

func (s *Session) timedOutResult(timeout time.Duration) Result {
	out := &RunOutput{Status: "failed", Failure: "timeout", Notes: []string{}, Files: []FileInfo{}, Images: []ImageInfo{}}
	l := newLayout("failed")
	l.linef("failure: timeout: the pool did not answer within %d seconds (the run's limit plus %d s); the run may still be going, and the session's state is unknown.", int(timeout.Seconds()), int(networkGrace.Seconds()))
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

func failureSentence(f azsessions.ExecutionFailure, e azsessions.Execution, timeout time.Duration) string {
	switch f {
	case azsessions.ExecutionFailureError:
		return "the code raised an exception; the traceback is in stderr. Variables set before the error are kept."
	case azsessions.ExecutionFailureExitCode:
		return fmt.Sprintf("the command exited with code %d.", deref(e.ExitCode))
	case azsessions.ExecutionFailureTimeout:
		return fmt.Sprintf("the run took longer than its limit of %d seconds and was stopped; variables may be lost. Split the work, or pass a larger timeout_seconds.", int(timeout.Seconds()))
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
