package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// handlerDone is a request log that tells when a handler has finished:
// each line it is written is one request the emulator has answered (or is
// about to answer).
type handlerDone chan string

func (h handlerDone) Write(p []byte) (int, error) {
	h <- string(p)
	return len(p), nil
}

// A client that sent "Expect: 100-continue" and got 100 Continue sends its
// whole body. When the handler has what it needs before the body's end (a
// one-file upload stops after its file part; here the last bytes of the
// closing delimiter arrive only after the handler has finished), the
// emulator drops the rest and keeps the connection, as it does for a body
// sent without Expect: curl uploads files over 1 MiB so. The request log
// says when the handler has finished; the connection deadline only guards
// against a hang.
func TestExpectContinueUploadKeepsTheConnection(t *testing.T) {
	logged := make(handlerDone, 4)
	e := newEnv(t, func(c *Config) { c.Log = logged })
	c, err := net.Dial("tcp", e.http.Listener.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(60 * time.Second)) // a hang guard only
	br := bufio.NewReader(c)

	body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"k.txt\"\r\n" +
		"Content-Type: application/octet-stream\r\n\r\nkept\r\n--b--\r\n"
	_, err = fmt.Fprintf(c, "POST /files?api-version=%s&identifier=ka HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n"+
		"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", testVersion, len(body))
	require.NoError(t, err)
	line, err := br.ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(line, "HTTP/1.1 100 "), "first answer %q, want 100 Continue", line)
	_, err = br.ReadString('\n') // the blank line after it
	require.NoError(t, err)

	held := len("\r\n") // the closing delimiter's line end, sent after the handler finished
	_, err = io.WriteString(c, body[:len(body)-held])
	require.NoError(t, err)
	require.Contains(t, <-logged, "POST /files ")
	_, err = io.WriteString(c, body[len(body)-held:])
	require.NoError(t, err)
	r, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	require.Equal(t, http.StatusOK, r.StatusCode)
	require.False(t, r.Close, "the upload's answer closes the connection")

	// The connection serves the next request.
	_, err = fmt.Fprintf(c, "GET /files?api-version=%s&identifier=ka HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\n\r\n", testVersion)
	require.NoError(t, err)
	r, err = http.ReadResponse(br, nil)
	require.NoError(t, err)
	list, err := io.ReadAll(r.Body)
	r.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, r.StatusCode, "%s", list)
	require.Contains(t, string(list), `"k.txt"`)
}
