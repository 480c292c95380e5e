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
def serve():
    while True:
        c, _ = srv.accept()
        c.recv(65536)
        body = b'{"forged": "by a session"}'
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: %%d\r\n\r\n" %% len(body) + body)
        c.close()
threading.Thread(target=serve, daemon=True).start()
print("hijacked")`

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
// listener, and the emulator's client (HTTPClient, ClientOptions,
// NewClient) then sends the host program's later requests (token, code,
// uploads for other sessions) to that code and takes its answers as the
// emulator's.
func TestSessionCodeCannotImpersonateTheEmulator(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	e, _ := startCounted(t, &Options{ReadySessions: -1})
	require.NotNil(t, e.socket)
	c := e.HTTPClient()
	status, body := pyExec(t, c, e.Endpoint(), "evil", fmt.Sprintf(hijackCode, e.socket.path))
	require.Equal(t, http.StatusOK, status, "%s", body)
	require.Contains(t, string(body), "hijacked")

	// The host program's next request, on a new connection as any client
	// makes once its idle ones have timed out.
	c.CloseIdleConnections()
	// Refusing the connection or reaching the emulator another way are
	// both fine; taking the session's answer is not.
	status, body, err := tryPyExec(t, c, e.Endpoint(), "victim", "print(6 * 7)")
	if err == nil {
		require.NotContains(t, string(body), "forged",
			"the emulator's client took an answer from a session's code (status %d): %s", status, body)
	}
}
