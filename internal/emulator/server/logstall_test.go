package server

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stuckWriter is a log writer whose first Write blocks until the test
// releases it, as stderr does when it is a pipe nobody reads.
type stuckWriter struct {
	entered chan struct{} // closed by the first Write
	release chan struct{} // closed by the test
	lines   chan string
}

func newStuckWriter() *stuckWriter {
	return &stuckWriter{entered: make(chan struct{}), release: make(chan struct{}), lines: make(chan string, 16)}
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	select {
	case <-w.entered:
	default:
		close(w.entered)
	}
	<-w.release
	w.lines <- string(p)
	return len(p), nil
}

// A log writer that blocks stalls no request: the lines that do not fit
// the logger's buffer are dropped and counted, and the count is logged
// once the writer takes lines again. Before, every request waited for
// the stuck write behind the logger's lock.
func TestStuckLogStallsNoRequest(t *testing.T) {
	w := newStuckWriter()
	e := newEnv(t, func(c *Config) { c.Log = w })
	released := false
	release := func() {
		if !released {
			released = true
			close(w.release)
		}
	}
	t.Cleanup(release) // runs before the env's, which waits for the requests
	e.srv.logger.limit = 1

	first := make(chan response, 1)
	go func() { first <- e.do(req{path: "/nowhere"}) }()
	<-w.entered
	for range 5 {
		got := make(chan response, 1)
		go func() { got <- e.do(req{path: "/nowhere"}) }()
		select {
		case r := <-got:
			require.Equal(t, 404, r.status)
		case <-time.After(time.Minute): // a hang guard only
			t.Fatal("a request waited for the stuck log writer")
		}
	}
	require.Equal(t, int64(4), e.srv.logger.droppedLines.Load(), "one line queued behind the stuck one, the others dropped")

	release()
	require.Equal(t, 404, (<-first).status)
	require.Contains(t, <-w.lines, "GET /nowhere 404 ")
	require.Contains(t, <-w.lines, "GET /nowhere 404 ")
	note := <-w.lines
	require.True(t, strings.HasSuffix(note, " 4 log lines dropped: the log's writer was blocked\n"), "%q", note)
}
