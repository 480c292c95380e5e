package server

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// Execution types and statuses as the spec spells them.
const (
	execSynchronous  = "Synchronous"
	execAsynchronous = "Asynchronous"
	statusRunning    = "Running"
	statusSucceeded  = "Succeeded"
	statusFailed     = "Failed"
)

// execution is one submitted execution. Executions of a session run one at
// a time in submission order (a worker goroutine drains the session's
// queue), so that an asynchronous submission followed by another sees the
// first one's state, as in one Jupyter kernel.
type execution struct {
	id         string
	identifier string
	execType   string
	req        runtime.Request
	shell      bool // a shell pool's execution: status is the exit code

	// done is closed when the fields below are final.
	done       chan struct{}
	res        runtime.Result
	status     string
	startedAt  time.Time
	finishedAt time.Time
	// size is the output bytes res holds, counted in the session's history.
	size int64
}

// finished reports whether the execution has ended.
func (e *execution) finished() bool {
	select {
	case <-e.done:
		return true
	default:
		return false
	}
}

var errSessionGone = errors.New("the session was deleted")

// submit queues e, unless an execution with e's id already exists in the
// session, in which case that one is returned and nothing runs: a client
// retrying a request with the same operation-id must not run its code twice.
// A queue already at its bound (queueLimit) refuses e with errQueueFull.
func (sess *session) submit(e *execution) (*execution, bool, error) {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if old := sess.execs[e.id]; old != nil {
		return old, true, nil
	}
	if sess.ctx.Err() != nil {
		return nil, false, errSessionGone
	}
	size := requestBytes(e.req)
	if l := sess.srv.queueLimit; len(sess.queue) > 0 && (len(sess.queue) >= l.executions || sess.queuedBytes+size > l.codeBytes) {
		return nil, false, errQueueFull(l)
	}
	if !sess.working {
		sess.srv.store.retain(sess)
		if !sess.srv.goBackground(sess.work) {
			sess.srv.store.release(sess)
			return nil, false, errSessionGone
		}
		sess.working = true
	}
	sess.execs[e.id] = e
	sess.history = append(sess.history, e)
	sess.queue = append(sess.queue, e)
	sess.queuedBytes += size
	sess.trimLocked()
	return e, false, nil
}

// trimLocked forgets the oldest finished executions past ExecutionHistory,
// or while the finished ones hold more than ExecutionHistoryBytes of output.
// Unfinished ones are kept whatever the count: someone may be waiting; so is
// the newest finished one, however large, so that it can still be polled.
func (sess *session) trimLocked() {
	excess := len(sess.history) - sess.srv.cfg.ExecutionHistory
	limit := sess.srv.cfg.ExecutionHistoryBytes
	if excess <= 0 && sess.historyBytes <= limit {
		return
	}
	newest := -1
	for i, e := range sess.history {
		if e.finished() {
			newest = i
		}
	}
	kept := sess.history[:0]
	for i, e := range sess.history {
		if i != newest && e.finished() && (excess > 0 || sess.historyBytes > limit) {
			delete(sess.execs, e.id)
			sess.historyBytes -= e.size
			excess--
			continue
		}
		kept = append(kept, e)
	}
	clear(sess.history[len(kept):])
	sess.history = kept
}

// finish publishes e's result and counts its output against the history.
func (sess *session) finish(e *execution) {
	r := e.res
	e.size = int64(len(r.Stdout) + len(r.Stderr) + len(r.Value.Repr) + len(r.Value.Native))
	if r.Value.Image != nil {
		e.size += int64(len(r.Value.Image.Base64Data))
	}
	// done closes under the lock, after which the history is trimmed in the
	// same critical section: a client woken by done that asks for an older
	// execution must find it already forgotten, not race the trim.
	sess.mu.Lock()
	defer sess.mu.Unlock()
	close(e.done)
	if sess.execs[e.id] == e {
		sess.historyBytes += e.size
		sess.trimLocked()
	}
}

// lookup returns the execution with id, if the session still remembers it.
func (sess *session) lookup(id string) *execution {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return sess.execs[id]
}

// work drains the queue, one execution at a time.
func (sess *session) work() {
	defer sess.srv.store.release(sess)
	for {
		sess.mu.Lock()
		if len(sess.queue) == 0 {
			sess.working = false
			sess.mu.Unlock()
			return
		}
		e := sess.queue[0]
		sess.queue[0] = nil
		sess.queue = sess.queue[1:]
		sess.queuedBytes -= requestBytes(e.req)
		sess.mu.Unlock()
		sess.run(e)
	}
}

func (sess *session) run(e *execution) {
	e.startedAt = time.Now()
	res, err := sess.rt.Execute(sess.ctx, e.req)
	e.finishedAt = time.Now()
	// The history keeps e for polls, which never show the code: drop it,
	// or up to 100 bodies of 64 MiB would stay with each session.
	e.req = runtime.Request{}
	if err != nil {
		// The emulator's own fault, or the session was deleted under the
		// execution: report it as a failed execution, as the service does
		// for everything that happens inside the session.
		msg := "emulator: " + err.Error()
		if errors.Is(err, context.Canceled) || sess.ctx.Err() != nil {
			msg = runtime.MessageKernelRestarted + ": the session was deleted"
		}
		res = runtime.Result{Outcome: runtime.OutcomeKernelRestarted, Stderr: msg, ExitCode: -1, Duration: e.finishedAt.Sub(e.startedAt)}
		e.res, e.status = res, statusOf(res, e.shell)
		sess.finish(e)
		return
	}
	e.res = withServiceMessage(res)
	e.status = statusOf(e.res, e.shell)
	sess.finish(e)
}

// withServiceMessage makes sure the service's stderr text for a timeout,
// memory abort or kernel restart is there, as clients classify failures by
// it (docs/emulator.md, Errors).
func withServiceMessage(res runtime.Result) runtime.Result {
	var msg string
	switch res.Outcome {
	case runtime.OutcomeTimedOut:
		msg = runtime.MessageTimedOut
	case runtime.OutcomeMemoryAborted:
		msg = runtime.MessageMemoryAborted
	case runtime.OutcomeKernelRestarted:
		msg = runtime.MessageKernelRestarted
	default:
		return res
	}
	if !strings.Contains(res.Stderr, msg) {
		if res.Stderr != "" && !strings.HasSuffix(res.Stderr, "\n") {
			res.Stderr += "\n"
		}
		res.Stderr += msg
	}
	return res
}

// statusOf maps a runtime outcome to the wire status: Succeeded/Failed for
// Python pools; the exit code for shell pools, "-1" when the command did
// not exit by itself (timeout, memory abort, crash).
func statusOf(res runtime.Result, shell bool) string {
	if shell {
		switch res.Outcome {
		case runtime.OutcomeSucceeded, runtime.OutcomeFailed:
			return strconv.Itoa(res.ExitCode)
		default:
			return "-1"
		}
	}
	if res.Outcome == runtime.OutcomeSucceeded {
		return statusSucceeded
	}
	return statusFailed
}

// Bounds of a session's queue of waiting executions (not yet started),
// which hold their code in memory until they run: without them, a client
// submitting asynchronously while one execution runs could make the
// emulator keep any number of 64 MiB bodies. A queue with nothing waiting
// takes any execution the body limit allows.
const (
	maxWaitingExecutions = DefaultExecutionHistory
	maxWaitingCodeBytes  = maxJSONBody
)

// queueLimit is what a session's waiting executions may hold.
type queueLimit struct {
	executions int
	codeBytes  int64
}

// errQueueFull answers a submission the session's queue cannot take.
func errQueueFull(l queueLimit) *apiError {
	return newError(http.StatusTooManyRequests, CodeExecutionQueueFull,
		"the session already has executions waiting (at most %d, holding at most %d bytes of code); retry once they have run", l.executions, l.codeBytes).
		with("Retry-After", "1")
}

// requestBytes is the memory a waiting execution's request holds.
func requestBytes(r runtime.Request) int64 {
	n := len(r.Code) + len(r.ShellCommand) + len(r.Stdin)
	for _, a := range r.ExecCommandAndArgs {
		n += len(a)
	}
	return int64(n)
}
