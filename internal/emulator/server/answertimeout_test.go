package server

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// lineWriter hands each request log line to a channel, so that a test can
// wait for a request to have finished.
type lineWriter struct {
	mu    sync.Mutex
	lines chan string
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines <- string(p)
	return len(p), nil
}

// activeUses is how many requests and workers hold the session id.
func activeUses(e *env, id string) int {
	e.srv.store.mu.Lock()
	defer e.srv.store.mu.Unlock()
	return e.srv.store.sessions[id].active
}

// A client that asks for a download and never reads it is cut once the
// answer's write deadline passes: the request finishes (its log line
// comes), the session is no longer in use (so it can expire) and the
// connection is closed. Before, the request waited for the reader for
// ever. The download is far larger than what the sockets can buffer, and
// the client's receive buffer is made small so that the kernel cannot
// take it all in; the connection deadline is a hang guard only.
func TestStalledReaderIsCut(t *testing.T) {
	logs := &lineWriter{lines: make(chan string, 16)}
	e := newEnv(t, func(c *Config) {
		c.AnswerWriteTimeout = 50 * time.Millisecond
		c.Log = logs
	})
	require.Equal(t, http.StatusOK, e.upload("stall", "", "big.bin", "x").status)
	<-logs.lines
	require.NoError(t, os.Truncate(filepath.Join(e.srv.store.sessions["stall"].dir, "big.bin"), 256<<20))

	c, err := net.Dial("tcp", e.http.Listener.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	require.NoError(t, c.(*net.TCPConn).SetReadBuffer(64<<10))
	_ = c.SetDeadline(time.Now().Add(2 * time.Minute)) // a hang guard only
	_, err = fmt.Fprintf(c, "GET /files/big.bin/content?api-version=%s&identifier=stall HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n", testVersion)
	require.NoError(t, err)

	select {
	case line := <-logs.lines:
		require.Contains(t, line, "GET /files/big.bin/content 200")
	case <-time.After(2 * time.Minute):
		t.Fatal("the download to a client that reads nothing never ended")
	}
	require.Zero(t, activeUses(e, "stall"), "the session is still in use")

	// The connection was closed: what the sockets held, then the end.
	got, err := io.Copy(io.Discard, c)
	if err != nil {
		require.ErrorContains(t, err, "reset", "the connection was not closed")
	}
	require.Less(t, got, int64(256<<20))
}

// An answer goes out a chunk at a time, each under a deadline of its own,
// so a reader that keeps reading is never cut however long the whole
// answer takes. A download through a real connection arrives whole after
// at least one move per chunk.
func TestAnswerDeadlineMovesWithEachChunk(t *testing.T) {
	var deadlines []time.Time
	d := progressDeadline{timeout: time.Hour, set: func(t time.Time) error { deadlines = append(deadlines, t); return nil }}
	rec := &readFromRecorder{}
	w := &progressWriter{ResponseWriter: rec, deadline: d}
	before := time.Now()
	n, err := w.Write(make([]byte, 3*answerChunk+1))
	require.NoError(t, err)
	require.Equal(t, 3*answerChunk+1, n)
	require.Equal(t, []int{answerChunk, answerChunk, answerChunk, 1}, rec.writes)
	require.Len(t, deadlines, 4)
	for _, dl := range deadlines {
		require.False(t, dl.Before(before.Add(time.Hour)), "each chunk gets the whole timeout")
	}

	// ReadFrom (how a file goes out) hands the file itself on in chunks,
	// so that sendfile still serves them, and keeps the caller's limit.
	f, err := os.CreateTemp(t.TempDir(), "f")
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, f.Truncate(5*answerChunk))
	lr := &io.LimitedReader{R: f, N: 2*answerChunk + 10}
	got, err := w.ReadFrom(lr)
	require.NoError(t, err)
	require.Equal(t, int64(2*answerChunk+10), got)
	require.Zero(t, lr.N)
	require.Equal(t, []int{answerChunk, answerChunk, 10}, rec.readFroms)
	require.False(t, rec.notFile, "a chunk was not a LimitedReader of the file")
	require.Len(t, deadlines, 7)

	// Through a real connection.
	e := newEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("dl", "", "big.bin", "x").status)
	const size = 8 << 20
	require.NoError(t, os.Truncate(filepath.Join(e.srv.store.sessions["dl"].dir, "big.bin"), size))
	steps := e.srv.stats.answerSteps.Load()
	r := e.do(req{path: "/files/big.bin/content", query: ident("dl")})
	require.Equal(t, http.StatusOK, r.status)
	want := make([]byte, size)
	want[0] = 'x'
	require.True(t, bytes.Equal(want, r.body), "the download differs")
	require.GreaterOrEqual(t, e.srv.stats.answerSteps.Load()-steps, int64(size/answerChunk))
}

// readFromRecorder records the sizes of the writes and ReadFroms it gets.
type readFromRecorder struct {
	http.ResponseWriter
	writes, readFroms []int
	notFile           bool // a ReadFrom got something else than a LimitedReader of a file
}

func (r *readFromRecorder) Header() http.Header { return http.Header{} }

func (r *readFromRecorder) Write(p []byte) (int, error) {
	r.writes = append(r.writes, len(p))
	return len(p), nil
}

func (r *readFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	if lr, ok := src.(*io.LimitedReader); !ok {
		r.notFile = true
	} else if _, ok := lr.R.(*os.File); !ok {
		r.notFile = true
	}
	n, err := io.Copy(io.Discard, src)
	r.readFroms = append(r.readFroms, int(n))
	return n, err
}
