package agenttool

import (
	"context"
	"time"

	"github.com/seed-f3fa2c9d/azsessions"
)

// runReport gathers the Result of a run the pool answered, part by part:
// the text layout, the structured output, the notes and the images. The
// layout's order is fixed: status, failure, exit code, output, notes,
// files, images.
type runReport struct {
	out     *RunOutput
	l       *layout
	notes   []string
	images  []Image
	failure azsessions.ExecutionFailure
	signs   figureSigns // of the images the run saved its figure as
	// filesTotal counts the files the run created, changed or deleted,
	// of which out.Files holds the first maxReportedFiles.
	filesTotal int
}

// newRunReport starts the report with the run's status, failure and exit
// code, after notes gathered before the run; shell is true for run_shell.
func newRunReport(resp azsessions.ExecutionClientExecuteResponse, timeout time.Duration, shell bool, notes []string) *runReport {
	out := &RunOutput{Status: "succeeded", ExitCode: resp.ExitCode}
	failure := resp.Failure()
	if failure == azsessions.ExecutionFailureNone && !resp.Succeeded() {
		failure = azsessions.ExecutionFailureError // a status the SDK does not know
	}
	if failure != azsessions.ExecutionFailureNone {
		out.Status = "failed"
		out.Failure = failureName(failure)
	}
	rep := &runReport{out: out, l: newLayout(out.Status), notes: notes, failure: failure}
	if failure != azsessions.ExecutionFailureNone {
		rep.l.line("failure: " + out.Failure + ": " + failureSentence(failure, resp.Execution, timeout, shell))
	}
	// A run stopped at its limit has the pool's -1, no code the command
	// exited with.
	if resp.ExitCode != nil && *resp.ExitCode != 0 && failure != azsessions.ExecutionFailureTimeout {
		rep.l.linef("exit code: %d", *resp.ExitCode)
	}
	return rep
}

// addOutput takes the run's stdout, stderr and value, each within the
// output budget, with notes on what was cut; result lays them out.
func (s *Session) addOutput(rep *runReport, tool string, resp azsessions.ExecutionClientExecuteResponse, poolCap int32) {
	r := runResult(resp)
	stdout := deref(r.Stdout)
	if tool == ToolRunShell {
		stdout = rep.shellStdout(stdout, r.StdoutTruncated)
	}
	rep.out.Stdout, rep.notes = s.stream("stdout", stdout, r.StdoutTruncated, int(poolCap), rep.notes)
	rep.out.Stderr, rep.notes = s.stream("stderr", deref(r.Stderr), r.StderrTruncated, int(poolCap), rep.notes)
	s.addValue(rep, r)
}

// runResult is the pool's result of a run, with the run's error message
// as its stderr when it has none of its own.
func runResult(resp azsessions.ExecutionClientExecuteResponse) *azsessions.ExecutionResult {
	r := resp.Result
	if r == nil {
		r = &azsessions.ExecutionResult{}
	}
	if resp.Error != nil && resp.Error.Message != nil && (r.Stderr == nil || *r.Stderr == "") {
		msg := *resp.Error.Message
		r.Stderr = &msg
	}
	return r
}

// shellStdout strips the end marker from a shell run's stdout, noting when
// a run that finished lacks it.
func (rep *runReport) shellStdout(stdout string, truncated bool) string {
	stdout, marked := stripShellEnd(stdout)
	finished := rep.failure == azsessions.ExecutionFailureNone || rep.failure == azsessions.ExecutionFailureExitCode
	if !marked && finished && !truncated {
		rep.notes = append(rep.notes, "The output did not end with the toolkit's end marker: the pool may have dropped its last line. Run the command again, or write its output to a file, if that line matters.")
	}
	return stdout
}

// addValue adds the value of the run's last expression: an image, returned
// as image content when the budget allows, or text within the budget.
func (s *Session) addValue(rep *runReport, r *azsessions.ExecutionResult) {
	if r.Image == nil {
		var c clipped
		rep.out.Value, c = clip(r.Text(), s.t.set.outputBudget)
		if c.cut > 0 {
			rep.notes = append(rep.notes, c.note("The value"))
		}
		return
	}
	img, note := s.inlineImage(r.Image)
	if img == nil {
		rep.out.Value = "(an image that is not returned: " + note + ")"
		return
	}
	rep.images = append(rep.images, *img)
	rep.out.Value = "(an image: returned with this result as image content)"
}

// writeOutput lays out the streams and the value, or says there was none.
func (rep *runReport) writeOutput() {
	out := rep.out
	if out.Stdout == "" && out.Stderr == "" && out.Value == "" {
		rep.l.line("(no output)")
	}
	if out.Stdout != "" {
		rep.l.block("stdout", out.Stdout)
	}
	if out.Stderr != "" {
		rep.l.block("stderr", out.Stderr)
	}
	if out.Value != "" {
		rep.l.block("value", out.Value)
	}
}

// addFileChanges adds the files the run created, changed or deleted, and
// those of their images the image budget leaves room for.
func (s *Session) addFileChanges(ctx context.Context, rep *runReport) error {
	files, total, images, notes, err := s.detectChanges(ctx, rep.figure(), rep.signs)
	if err != nil {
		return err
	}
	rep.notes = append(rep.notes, notes...)
	rep.out.Files = files
	rep.filesTotal = total
	rep.images = append(rep.images, images...)
	return nil
}

// result ends the layout with the output, notes, files and images, and
// returns the run's Result.
func (rep *runReport) result() Result {
	out := rep.out
	rep.dropSavedFigure()
	rep.writeOutput()
	for _, n := range rep.notes {
		rep.l.line("note: " + n)
	}
	writeFiles(rep.l, out.Files, rep.filesTotal)
	writeImages(rep.l, rep.images)
	out.Notes = rep.notes
	out.Images = imageInfos(rep.images)
	if out.Notes == nil {
		out.Notes = []string{}
	}
	if out.Files == nil {
		out.Files = []FileInfo{}
	}
	return Result{
		Text:       rep.l.String(),
		IsError:    rep.failure != azsessions.ExecutionFailureNone,
		Images:     rep.images,
		Files:      out.Files,
		Structured: out,
	}
}
