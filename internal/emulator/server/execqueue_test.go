package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// waitingExecutions is how many executions of the session named id wait
// behind the running one.
func (e *env) waitingExecutions(id string) int {
	e.srv.store.mu.Lock()
	sess := e.srv.store.sessions[id]
	e.srv.store.mu.Unlock()
	if sess == nil {
		return -1
	}
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return len(sess.queue)
}

// submitAsync submits code asynchronously with an operation-id.
func (e *env) submitAsync(id, opID, code string) response {
	e.t.Helper()
	return e.exec(id, map[string]any{"code": code, "executionType": "Asynchronous"}, map[string]string{"operation-id": opID})
}

// A session keeps a bounded queue: executions submitted while one runs
// wait in memory with their code, so without a bound a client could make
// the emulator hold any number of 64 MiB bodies. Past the count or the
// bytes of waiting code, a submission is answered 429 with Retry-After
// and nothing is queued; a retry of one already queued (same
// operation-id) still finds it, and once the queue drains submissions are
// taken again. An empty queue takes any body the size limit allows.
func TestExecutionQueueIsBounded(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.queueLimit.executions = 3
	e.srv.queueLimit.codeBytes = 100
	const id = "q"

	require.Equal(t, http.StatusOK, e.submitAsync(id, "running", "gate q").status)
	eventually(t, func() bool { return e.waitingExecutions(id) == 0 }, "the first execution to start")
	for i := range 3 {
		r := e.submitAsync(id, fmt.Sprintf("w%d", i), fmt.Sprintf("print w%d", i))
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	}
	full := e.submitAsync(id, "w3", "print w3")
	require.Equal(t, http.StatusTooManyRequests, full.status, "%s", full.body)
	require.Equal(t, CodeExecutionQueueFull, full.errorCode(t))
	require.NotEmpty(t, full.header.Get("Retry-After"))
	sync := e.exec(id, map[string]any{"code": "print s"})
	require.Equal(t, http.StatusTooManyRequests, sync.status, "%s", sync.body)
	again := e.submitAsync(id, "w1", "print w1")
	require.Equal(t, http.StatusOK, again.status, "a retry of a queued execution: %s", again.body)
	require.Equal(t, 3, e.waitingExecutions(id))

	e.factory.open("q")
	eventually(t, func() bool { return e.waitingExecutions(id) == 0 }, "the queue to drain")
	done := e.run(id, "print after")
	require.Equal(t, "after\n", result(done)["stdout"])

	// Bytes: with one execution running, waiting code may hold 100 bytes.
	require.Equal(t, http.StatusOK, e.submitAsync(id, "running2", "gate q2").status)
	eventually(t, func() bool { return e.waitingExecutions(id) == 0 }, "the gated execution to start")
	big := "print " + strings.Repeat("b", 60)
	require.Equal(t, http.StatusOK, e.submitAsync(id, "b1", big).status)
	over := e.submitAsync(id, "b2", big)
	require.Equal(t, http.StatusTooManyRequests, over.status, "%s", over.body)
	e.factory.open("q2")
	eventually(t, func() bool { return e.waitingExecutions(id) == 0 }, "the queue to drain")

	// An empty queue takes a body past the bytes bound.
	huge := e.run(id, "print "+strings.Repeat("h", 300))
	require.Equal(t, strings.Repeat("h", 300)+"\n", result(huge)["stdout"])
}
