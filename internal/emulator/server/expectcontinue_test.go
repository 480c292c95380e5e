package server

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// A client that sends "Expect: 100-continue" waits for the server's go
// ahead before it sends its body (curl does for bodies over 1 MiB). A
// request the emulator refuses before reading the body, or whose declared
// length is already past its limit, gets its answer at once: no 100
// Continue, and no wait for a body nobody asked for. The test sends the
// headers alone and reads the first status line; the connection deadline
// only guards against a hang (the body timeout is longer than it).
func TestExpectContinueRefusalsAnswerAtOnce(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BodyReadTimeout = 10 * time.Minute })
	addr := e.http.Listener.Addr().String()
	auth := "Authorization: Bearer t\r\n"
	for name, tc := range map[string]struct {
		head   string
		length int64
		want   string
	}{
		"no token":      {"POST /executions?api-version=" + testVersion + "&identifier=x HTTP/1.1\r\nContent-Type: application/json\r\n", 100, "401"},
		"bad version":   {"POST /executions?api-version=1999-01-01&identifier=x HTTP/1.1\r\nContent-Type: application/json\r\n" + auth, 100, "400"},
		"no such route": {"POST /nothing?api-version=" + testVersion + "&identifier=x HTTP/1.1\r\n" + auth, 100, "404"},
		// An answer longer than net/http's 2 KiB buffer goes out before the
		// handler returns.
		"long answer":    {"POST /" + strings.Repeat("n", 3000) + "?api-version=" + testVersion + "&identifier=x HTTP/1.1\r\n" + auth, 100, "404"},
		"bad media type": {"POST /files?api-version=" + testVersion + "&identifier=x HTTP/1.1\r\nContent-Type: text/plain\r\n" + auth, 100, "400"},
		"execution over the limit": {"POST /executions?api-version=" + testVersion + "&identifier=x HTTP/1.1\r\nContent-Type: application/json\r\n" + auth,
			maxJSONBody + 1, "413"},
		"upload over the limit": {"POST /files?api-version=" + testVersion + "&identifier=x HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=b\r\n" + auth,
			DefaultMaxUploadBytes + multipartOverhead + 1, "413"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := net.Dial("tcp", addr)
			require.NoError(t, err)
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(60 * time.Second)) // a hang guard only
			_, err = fmt.Fprintf(c, "%sHost: x\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", tc.head, tc.length)
			require.NoError(t, err)
			line, err := bufio.NewReader(c).ReadString('\n')
			require.NoError(t, err, "no answer before the body was sent")
			require.True(t, strings.HasPrefix(line, "HTTP/1.1 "+tc.want+" "), "first answer %q, want %s", line, tc.want)
		})
	}
}
