package emulator_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync"
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
			c, err := net.Dial("tcp", u.Host)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(60 * time.Second))
			br := bufio.NewReader(c)
			if i%2 == 0 {
				// Keep-alive: one answered request, then nothing.
				_, err = fmt.Fprintf(c, "GET /metadata?api-version=2025-10-02-preview HTTP/1.1\r\nHost: %s\r\n\r\n", u.Host)
				if err == nil {
					var resp *http.Response
					if resp, err = http.ReadResponse(br, nil); err == nil {
						_, _ = io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
				}
			} else {
				// Headers that never end.
				_, err = fmt.Fprintf(c, "GET /metadata HTTP/1.1\r\nHost: %s\r\n", u.Host)
			}
			if err == nil {
				_, err = io.Copy(io.Discard, br) // returns at the server's close
			}
			errs <- err
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
