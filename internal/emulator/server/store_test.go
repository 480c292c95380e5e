package server

import (
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestCooldownExpiry(t *testing.T) {
	e := newEnv(t, func(c *Config) {
		c.Cooldown = 50 * time.Millisecond
		c.JanitorInterval = 5 * time.Millisecond
	})
	e.upload("cool", "", "f.txt", "x")
	dir := e.sessionDir("cool")
	eventually(t, func() bool { return e.do(req{path: "/session", query: ident("cool")}).status == http.StatusNotFound }, "session to expire")
	// The session leaves the list before its teardown ends: wait for the
	// janitor pass that removed it to finish.
	passes := e.srv.store.expiries.Load()
	eventually(t, func() bool { return e.srv.store.expiries.Load() > passes }, "the janitor pass to finish")
	require.Equal(t, 0, e.factory.live())
	_, err := os.Stat(dir)
	require.ErrorIs(t, err, os.ErrNotExist, "the session's files are gone")

	// A session busy executing is never idle, however long it runs.
	resp := e.exec("busy", map[string]any{"code": "gate busy\nprint done", "executionType": "Asynchronous"})
	require.Equal(t, http.StatusOK, resp.status)
	id := resp.json(t)["id"].(string)
	// Several cooldowns pass while the code runs: the janitor looks at
	// least 30 times, 5 ms apart, against a cooldown of 50 ms.
	passes = e.srv.store.expiries.Load()
	eventually(t, func() bool { return e.srv.store.expiries.Load() >= passes+30 }, "janitor passes")
	require.Equal(t, http.StatusOK, e.do(req{path: "/session", query: ident("busy")}).status, "a busy session is never idle")
	e.factory.open("busy")
	eventually(t, func() bool {
		r := e.do(req{path: "/executions/" + id, query: ident("busy")})
		return r.status == http.StatusOK && r.json(t)["status"] == "Succeeded"
	}, "the busy session to finish its execution")
}

func TestTooManySessions(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxSessions = 2 })
	e.run("a", "print 1")
	e.upload("b", "", "x", "x")
	resp := e.exec("c", map[string]any{"code": "print 1"})
	require.Equal(t, http.StatusTooManyRequests, resp.status)
	require.Equal(t, CodeTooManySessions, resp.errorCode(t))
	require.NotEmpty(t, resp.header.Get("Retry-After"))
	require.Equal(t, http.StatusTooManyRequests, e.do(req{path: "/files", query: ident("c")}).status)
	// Existing sessions keep working; freeing one makes room.
	e.run("a", "print 2")
	e.do(req{method: http.MethodDelete, path: "/session", query: ident("b")})
	require.Equal(t, "Succeeded", e.run("c", "print 1")["status"])
}

func TestConcurrentFirstUseAllocatesOnce(t *testing.T) {
	e := newEnv(t, nil)
	e.factory.allocDelay = 20 * time.Millisecond
	var wg sync.WaitGroup
	guids := make([]string, 16)
	for i := range guids {
		wg.Go(func() {
			guids[i] = e.exec("shared", map[string]any{"code": "print 1"}).header.Get(HeaderSessionGUID)
		})
	}
	wg.Wait()
	for _, g := range guids {
		require.Equal(t, guids[0], g)
	}
	require.Equal(t, 1, e.factory.live())
}

func TestCloseKillsEverything(t *testing.T) {
	f := newFakeFactory()
	root := t.TempDir()
	s, err := New(Config{Factory: f, Root: root})
	require.NoError(t, err)
	e := &env{t: t, srv: s, factory: f, token: "x"}
	e.http = httpServer(t, s)
	e.run("c1", "print 1")
	resp := e.exec("c2", map[string]any{"code": "gate never", "executionType": "Asynchronous"})
	require.Equal(t, http.StatusOK, resp.status)
	require.Equal(t, 2, f.live())

	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close is idempotent")
	require.Equal(t, 0, f.live())
	require.True(t, f.closed)
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	require.Empty(t, entries, "Close removes what the server created")
	resp = e.do(req{path: "/files", query: ident("c1")})
	require.Equal(t, http.StatusServiceUnavailable, resp.status)
}

func TestDeleteDuringExecution(t *testing.T) {
	e := newEnv(t, nil)
	done := make(chan response)
	go func() { done <- e.exec("del", map[string]any{"code": "gate forever"}) }()
	eventually(t, func() bool {
		return e.factory.live() == 1 && e.do(req{path: "/session", query: ident("del")}).status == 200
	}, "session")
	eventually(t, func() bool {
		e.factory.mu.Lock()
		defer e.factory.mu.Unlock()
		return e.factory.sessions[0].running.Load() == 1
	}, "execution to start")
	require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/session", query: ident("del")}).status)
	resp := <-done
	require.Equal(t, http.StatusOK, resp.status)
	m := resp.json(t)
	require.Equal(t, "Failed", m["status"])
	require.True(t, strings.HasPrefix(result(m)["stderr"].(string), "Kernel restarted"))
}
