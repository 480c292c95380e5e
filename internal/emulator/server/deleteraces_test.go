package server

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// An execution whose session is deleted (DELETE /session) while the
// request waits for the session to be ready is new work that arrived
// after the deletion: it runs in a new session of that identifier, as any
// request after a deletion does. Before, it ran in the deleted session
// and was cut short with it, or answered 404 SessionNotFound, which no
// execution answers.
func TestExecutionWaitingForADeletedSessionGetsANewOne(t *testing.T) {
	e := newEnv(t, nil)
	e.factory.allocGate = make(chan struct{})
	answer := make(chan response, 1)
	go func() { answer <- e.exec("del", map[string]any{"code": "print fresh"}) }()
	eventually(t, func() bool { return e.sessionInStore("del") }, "the execution to allocate its session")
	deleted := make(chan response, 1)
	go func() { deleted <- e.do(req{method: http.MethodDelete, path: "/session", query: ident("del")}) }()
	eventually(t, func() bool { return !e.sessionInStore("del") }, "the session to be removed")
	close(e.factory.allocGate)
	r := <-answer
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	m := r.json(t)
	require.Equal(t, "Succeeded", m["status"], "%s", r.body)
	require.Equal(t, "fresh\n", result(m)["stdout"])
	require.Equal(t, http.StatusNoContent, (<-deleted).status)
	r = e.do(req{path: "/session", query: ident("del")})
	require.Equal(t, http.StatusOK, r.status, "the execution's new session: %s", r.body)
}

// sessionInStore reports whether the store holds a session of identifier.
func (e *env) sessionInStore(identifier string) bool {
	e.srv.store.mu.Lock()
	defer e.srv.store.mu.Unlock()
	return e.srv.store.sessions[identifier] != nil
}
