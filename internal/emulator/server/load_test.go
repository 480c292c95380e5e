package server

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLoad runs 64 sessions × 20 executions, all submitted at once, against
// the real Python runtime: every answer must be right, no request may fail,
// and no process may outlive Close.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped under -short")
	}
	const sessions, perSession = 64, 20
	e := newPythonEnv(t, func(c *Config) { c.ReadySessions = 4 })
	tr := &http.Transport{MaxIdleConnsPerHost: sessions * perSession}
	defer tr.CloseIdleConnections()
	e.http.Client().Transport = tr

	var wg sync.WaitGroup
	errs := make(chan error, sessions*perSession)
	for s := range sessions {
		for k := range perSession {
			wg.Go(func() {
				id := fmt.Sprintf("load-%d", s)
				tag := fmt.Sprintf("s%d-k%d", s, k)
				code := fmt.Sprintf("n = globals().get('n', 0) + 1\nprint(%d * %d)\n%q", s, k+1, tag)
				resp := e.exec(id, map[string]any{"code": code})
				if resp.status != http.StatusOK {
					errs <- fmt.Errorf("%s: HTTP %d %s", tag, resp.status, resp.body)
					return
				}
				m := resp.json(t)
				r := result(m)
				if m["status"] != "Succeeded" || r["stdout"] != strconv.Itoa(s*(k+1))+"\n" || r["executionResult"] != "'"+tag+"'" {
					errs <- fmt.Errorf("%s: wrong answer %v", tag, m)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for s := range sessions {
		m := e.run(fmt.Sprintf("load-%d", s), "n")
		require.Equal(t, strconv.Itoa(perSession), result(m)["executionResult"], "session %d ran every execution once", s)
	}
	require.NoError(t, e.srv.Close())
	requireNoDescendants(t)
}
