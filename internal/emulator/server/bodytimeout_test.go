package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Connections whose body stops arriving are closed by the server; the
// test counts closed connections, with a generous guard against a hang.
func TestStalledBodiesAreCut(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BodyReadTimeout = 50 * time.Millisecond })
	addr := e.http.Listener.Addr().String()
	const conns = 50
	paths := []string{"/executions", "/files"}
	var wg sync.WaitGroup
	closed := make(chan string, conns)
	for i := range conns {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				closed <- err.Error()
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(60 * time.Second)) // a hang guard only
			path := paths[i%2]
			ctype := "application/json"
			if path == "/files" {
				ctype = "multipart/form-data; boundary=x"
			}
			_, err = fmt.Fprintf(c, "POST %s?api-version=%s&identifier=slow%d HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: %s\r\nContent-Length: 100000\r\n\r\n{\"co", path, testVersion, i, ctype)
			if err != nil {
				closed <- err.Error()
				return
			}
			// Whatever the server answers, it must then close: read to EOF.
			_, err = io.Copy(io.Discard, c)
			if err != nil {
				closed <- err.Error()
				return
			}
			closed <- ""
		})
	}
	wg.Wait()
	close(closed)
	n := 0
	for msg := range closed {
		require.Empty(t, msg, "a stalled connection was not closed by the server")
		n++
	}
	require.Equal(t, conns, n)
}

// The deadline moves with every read, so a body that keeps arriving is
// never cut however long it takes in all.
func TestBodyDeadlineMovesWithEachRead(t *testing.T) {
	var deadlines []time.Time
	b := &progressBody{
		ReadCloser: io.NopCloser(strings.NewReader(strings.Repeat("x", 10))),
		read: progressDeadline{
			timeout: time.Hour,
			set:     func(d time.Time) error { deadlines = append(deadlines, d); return nil },
		},
	}
	buf := make([]byte, 3)
	reads := 0
	for {
		before := time.Now()
		_, err := b.Read(buf)
		reads++
		require.False(t, deadlines[len(deadlines)-1].Before(before.Add(time.Hour)), "each read gets the whole timeout")
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	require.Equal(t, reads, len(deadlines))
	require.Greater(t, reads, 3)

	// A slow body through a real connection, in more reads than fit in the
	// timeout were it one deadline for the whole request, still arrives.
	e := newEnv(t, func(c *Config) { c.BodyReadTimeout = 10 * time.Second })
	c, err := net.Dial("tcp", e.http.Listener.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	body := `{"code":"print slow"}`
	_, err = fmt.Fprintf(c, "POST /executions?api-version=%s&identifier=s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", testVersion, len(body))
	require.NoError(t, err)
	for i := range len(body) {
		_, err = c.Write([]byte{body[i]})
		require.NoError(t, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

// A request whose body the emulator does not need and never arrives (its
// Content-Length announced, nothing sent) still gets its answer, also one
// longer than net/http's 2 KiB buffer: net/http reads the unread body
// before it sends such an answer's header, and that read is bounded by
// the body timeout too. Before, it had no deadline and the answer never
// came. The connection deadline only guards against a hang.
func TestLongAnswerToAStalledBodyArrives(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BodyReadTimeout = 50 * time.Millisecond })
	c, err := net.Dial("tcp", e.http.Listener.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(60 * time.Second)) // a hang guard only
	_, err = fmt.Fprintf(c, "POST /%s?api-version=%s&identifier=x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: 100\r\n\r\n",
		strings.Repeat("n", 3000), testVersion)
	require.NoError(t, err)
	r, err := http.ReadResponse(bufio.NewReader(c), nil)
	require.NoError(t, err, "no answer")
	defer r.Body.Close()
	require.Equal(t, http.StatusNotFound, r.StatusCode)
}
