package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// hijackCode is a cell that puts its own server on the emulator's socket
// path (it runs as the same user, so the 0700 directory does not stop it)
// and answers every request with a forged 200.
const hijackCode = `import os, socket, threading
path = %q
os.unlink(path)
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(8)
got = []  # bytes read from each connection accepted
cond = threading.Condition()
def serve():
    while True:
        c, _ = srv.accept()
        b = c.recv(65536)
        if b:
            body = b'{"forged": "by a session"}'
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %%d\r\n\r\n" %% len(body) + body)
        c.close()
        with cond:
            got.append(len(b))
            cond.notify_all()
threading.Thread(target=serve, daemon=True).start()
print("hijacked")`

// impostorCode waits until hijackCode's server has seen a connection (60
// s, a hang guard only) and prints what it read from each.
const impostorCode = `with cond:
    cond.wait_for(lambda: got, timeout=60)
print("impostor read", got)`

// pyExec runs code in session id through c and returns the status and body.
func pyExec(t *testing.T, c *http.Client, endpoint, id, code string) (int, []byte) {
	t.Helper()
	status, b, err := tryPyExec(t, c, endpoint, id, code)
	require.NoError(t, err)
	return status, b
}

// tryPyExec is pyExec that returns the client's error.
func tryPyExec(t *testing.T, c *http.Client, endpoint, id, code string) (int, []byte, error) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"codeInputType": "Inline", "executionType": "Synchronous", "code": code})
	require.NoError(t, err)
	// A hang guard only: an execution here takes a second or two.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint+"/executions?api-version="+socketTestVersion+"&identifier="+id, strings.NewReader(string(body)))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// A session's code must not be able to answer in the emulator's name. Over
// TCP it cannot: the emulator holds its port. Over the private socket, the
// code of any session (same user) can replace the socket file with its own
// listener; the emulator's client (HTTPClient, ClientOptions, NewClient)
// must then see that another process serves it, send it nothing (no token,
// code or uploads of other sessions) and reach the emulator over TCP.
func TestSessionCodeCannotImpersonateTheEmulator(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	for _, insecure := range []bool{false, true} {
		t.Run(fmt.Sprintf("InsecureHTTP=%v", insecure), func(t *testing.T) {
			e, tcp := startCounted(t, &Options{ReadySessions: -1, InsecureHTTP: insecure})
			require.NotNil(t, e.socket)
			c := e.HTTPClient()
			status, body := pyExec(t, c, e.Endpoint(), "evil", fmt.Sprintf(hijackCode, e.socket.path))
			require.Equal(t, http.StatusOK, status, "%s", body)
			require.Contains(t, string(body), "hijacked")
			require.Zero(t, tcp.n.Load(), "the client went over the socket so far")

			// The host program's next request, on a new connection as any
			// client makes once its idle ones have timed out.
			c.CloseIdleConnections()
			status, body = pyExec(t, c, e.Endpoint(), "victim", "print(6 * 7)")
			require.Equal(t, http.StatusOK, status, "%s", body)
			require.NotContains(t, string(body), "forged", "the emulator's client took an answer from a session's code")
			require.Contains(t, string(body), "42", "the emulator's own answer")
			require.Positive(t, tcp.n.Load(), "the client fell back to TCP")
			require.True(t, e.socket.bypassed.Load())

			// The impostor saw a connection and read nothing from it.
			status, body = pyExec(t, c, e.Endpoint(), "evil", impostorCode)
			require.Equal(t, http.StatusOK, status, "%s", body)
			require.Regexp(t, `impostor read \[0(, 0)*\]`, string(body))
		})
	}
}
