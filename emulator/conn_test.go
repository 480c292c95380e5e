package emulator_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

// Idle keep-alive connections and connections whose headers never finish
// are closed by the emulator. The test counts closed connections; the
// deadline on the client side only guards against a hang.
func TestIdleAndSlowHeaderConnectionsAreClosed(t *testing.T) {
	// The header limit leaves a loaded machine time to send a first request.
	emulator.SetConnectionTimeoutsForTest(t, 2*time.Second, 50*time.Millisecond)
	emu := emulator.StartForTest(t, &emulator.Options{InsecureHTTP: true, ReadySessions: -1})
	u, err := url.Parse(emu.Endpoint())
	require.NoError(t, err)

	const conns = 40
	errs := make(chan error, conns)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			if i%2 == 1 {
				errs <- headersThatNeverEnd(u.Host)
				return
			}
			// The header limit runs from the dial: on a loaded machine the
			// request can follow too late, and the connection is closed
			// before its answer, which tests nothing of the idle limit.
			// Such a try is repeated; tries are counted, not timed.
			for try := 1; ; try++ {
				answered, err := keepAliveThenIdle(u.Host)
				if answered || err != nil {
					errs <- err
					return
				}
				if try == 5 {
					errs <- fmt.Errorf("%d connections closed before their answer", try)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	closed := 0
	for err := range errs {
		require.NoError(t, err, "the emulator did not close the connection")
		closed++
	}
	require.Equal(t, conns, closed)
}

// keepAliveThenIdle sends one request on a new connection, reads its
// answer, then waits for the server to close the connection, idle. It
// reports false, without an error, when the connection was closed before
// the answer.
func keepAliveThenIdle(host string) (answered bool, err error) {
	c, err := dialGuarded(host)
	if err != nil {
		return false, err
	}
	defer c.Close()
	br := bufio.NewReader(c)
	if _, err := fmt.Fprintf(c, "GET /metadata?api-version=2025-10-02-preview HTTP/1.1\r\nHost: %s\r\n\r\n", host); err != nil {
		return false, nil // closed (reset) before the request was written
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return false, err // the guard's deadline: no answer, no close
		}
		return false, nil // closed before the answer
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	_, err = io.Copy(io.Discard, br) // returns at the server's close
	return true, err
}

// headersThatNeverEnd sends a request's first headers on a new connection
// and waits for the server to close it. A reset is a close too: the header
// limit runs from the dial, and under load it may strike before the
// headers are sent, which the server then refuses.
func headersThatNeverEnd(host string) error {
	c, err := dialGuarded(host)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = fmt.Fprintf(c, "GET /metadata HTTP/1.1\r\nHost: %s\r\n", host)
	if err == nil {
		_, err = io.Copy(io.Discard, c) // returns at the server's close
	}
	if errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return nil
	}
	return err
}

// dialGuarded connects to host with a deadline that only guards against a
// hang.
func dialGuarded(host string) (net.Conn, error) {
	c, err := net.Dial("tcp", host)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(60 * time.Second))
	return c, nil
}
