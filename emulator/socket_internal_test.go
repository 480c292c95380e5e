//go:build linux || darwin

package emulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// socketTestVersion is an api-version the emulator accepts for executions.
const socketTestVersion = "2025-10-02-preview"

// startCounted starts an emulator on a TCP listener that counts what it
// accepts, closed when t ends.
func startCounted(t *testing.T, opts *Options) (*Emulator, *acceptCounter) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ln := &acceptCounter{Listener: inner}
	e, err := startOn(ln, opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, e.Close()) })
	return e, ln
}

// acceptCounter counts the connections its listener accepts.
type acceptCounter struct {
	net.Listener
	n atomic.Int64
}

func (l *acceptCounter) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.n.Add(1)
	}
	return c, err
}

// shellExec runs a shell command in session "sh" through c and returns
// the answer's Operation-Location.
func shellExec(t *testing.T, c *http.Client, endpoint string) string {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, endpoint+"/executions?api-version="+socketTestVersion+"&identifier=sh", strings.NewReader(`{"shellCommand":"echo hi"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer t")
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	return resp.Header.Get("Operation-Location")
}

// The emulator's own client reaches it through the private socket, over
// plain HTTP and for the https endpoint alike; the server still answers
// with links on the endpoint the client called, and the TCP listener sees
// nothing of it.
func TestClientGoesOverTheSocket(t *testing.T) {
	for _, insecure := range []bool{false, true} {
		e, tcp := startCounted(t, &Options{InsecureHTTP: insecure, PoolType: PoolTypeShell})
		require.NotNil(t, e.socket, "a socket is served")
		loc := shellExec(t, e.HTTPClient(), e.Endpoint())
		require.True(t, strings.HasPrefix(loc, e.Endpoint()+"/executions/"), "Operation-Location %q is on %s", loc, e.Endpoint())
		require.Positive(t, e.socket.accepted.Load(), "connections over the socket")
		require.Zero(t, tcp.n.Load(), "connections over TCP")

		info, err := os.Stat(e.socket.dir)
		require.NoError(t, err)
		require.Equal(t, os.ModeDir|0o700, info.Mode(), "the socket's directory is the user's alone")
	}
}

// A client built from the endpoint URL, as another program's would be,
// still connects over TCP (and TLS), and so does the emulator's client
// with DisableUnixSocket.
func TestTCPClientsStillWork(t *testing.T) {
	e, tcp := startCounted(t, &Options{PoolType: PoolTypeShell})
	pool := x509.NewCertPool()
	pool.AddCert(e.Certificate())
	external := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	defer external.CloseIdleConnections()
	shellExec(t, external, e.Endpoint())
	require.Equal(t, int64(1), tcp.n.Load(), "connections over TCP")
	require.Zero(t, e.socket.accepted.Load(), "connections over the socket")

	// A clone of the emulator's transport with its own TLS settings (as
	// HTTPClient's doc says) goes over TCP and TLS too.
	tr := e.client.Transport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13}
	tr.DialTLSContext = nil
	shellExec(t, &http.Client{Transport: tr}, e.Endpoint())
	tr.CloseIdleConnections()
	require.Equal(t, int64(2), tcp.n.Load(), "connections over TCP")

	for _, insecure := range []bool{false, true} {
		d, dtcp := startCounted(t, &Options{InsecureHTTP: insecure, PoolType: PoolTypeShell, DisableUnixSocket: true})
		require.Nil(t, d.socket)
		shellExec(t, d.HTTPClient(), d.Endpoint())
		require.Equal(t, int64(1), dtcp.n.Load(), "connections over TCP with DisableUnixSocket")
	}
}

// Only the emulator's own host:port goes to the socket: the client
// reaches any other server as usual.
func TestClientDialsOtherHostsAsUsual(t *testing.T) {
	var hits atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.WriteString(w, "other")
	}))
	defer other.Close()
	for _, insecure := range []bool{false, true} {
		e, _ := startCounted(t, &Options{InsecureHTTP: insecure, PoolType: PoolTypeShell})
		resp, err := e.HTTPClient().Get(other.URL)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, "other", string(body))
	}
	require.Equal(t, int64(2), hits.Load(), "requests the other server received")

	// Over HTTPS, another emulator is dialed with TCP and TLS: its
	// certificate is not the one the first client trusts.
	e, _ := startCounted(t, &Options{PoolType: PoolTypeShell})
	o, otcp := startCounted(t, &Options{PoolType: PoolTypeShell})
	_, err := e.HTTPClient().Get(o.Endpoint() + "/")
	var unknown x509.UnknownAuthorityError
	require.ErrorAs(t, err, &unknown)
	require.Equal(t, int64(1), otcp.n.Load(), "the other emulator's TCP connections")
	require.Zero(t, e.socket.accepted.Load()+o.socket.accepted.Load(), "socket connections")
}

// Close removes the socket and its directory.
func TestCloseRemovesTheSocket(t *testing.T) {
	e, err := Start(&Options{PoolType: PoolTypeShell})
	require.NoError(t, err)
	require.NotNil(t, e.socket)
	shellExec(t, e.HTTPClient(), e.Endpoint())
	dir := e.socket.dir
	require.FileExists(t, filepath.Join(dir, "s"))
	require.NoError(t, e.Close())
	_, err = os.Stat(dir)
	require.ErrorIs(t, err, os.ErrNotExist, "the socket's directory after Close")
}

// A socket that is gone (removed by the code of a session, say) sends the
// client to TCP, for that request and the later ones.
func TestMissingSocketFallsBackToTCP(t *testing.T) {
	for _, insecure := range []bool{false, true} {
		e, tcp := startCounted(t, &Options{InsecureHTTP: insecure, PoolType: PoolTypeShell})
		require.NotNil(t, e.socket)
		require.NoError(t, os.Remove(e.socket.path))
		c := e.HTTPClient()
		shellExec(t, c, e.Endpoint())
		c.CloseIdleConnections()
		shellExec(t, c, e.Endpoint())
		require.Equal(t, int64(2), tcp.n.Load(), "connections over TCP")
		require.Zero(t, e.socket.accepted.Load(), "connections over the socket")
		require.True(t, e.socket.bypassed.Load())
	}
}

// Where the temporary directory's path is too long for a socket, the
// emulator serves TCP only and its client uses it.
func TestLongTempDirFallsBackToTCP(t *testing.T) {
	long := t.TempDir()
	for len(long) <= maxSocketPath {
		long = filepath.Join(long, strings.Repeat("d", 40))
	}
	require.NoError(t, os.MkdirAll(long, 0o700))
	t.Setenv("TMPDIR", long)
	e, tcp := startCounted(t, &Options{PoolType: PoolTypeShell})
	require.Nil(t, e.socket)
	shellExec(t, e.HTTPClient(), e.Endpoint())
	require.Equal(t, int64(1), tcp.n.Load(), "connections over TCP")
	require.NoError(t, e.Close())
	entries, err := os.ReadDir(long)
	require.NoError(t, err)
	require.Empty(t, entries, "nothing left in the temporary directory")
}

// The SDK's client of the emulator works over the socket: uploads,
// downloads and listings, whose links it follows only on its endpoint.
func TestSDKOverTheSocket(t *testing.T) {
	for _, insecure := range []bool{false, true} {
		e, tcp := startCounted(t, &Options{InsecureHTTP: insecure, ReadySessions: -1})
		client, err := e.NewClient()
		require.NoError(t, err)
		files := client.NewFilesClient()
		data := make([]byte, 3<<20+17)
		for i := range data {
			data[i] = byte(i * 7)
		}
		_, err = files.Upload(context.Background(), "batch", "big.bin", strings.NewReader(string(data)), nil)
		require.NoError(t, err)
		requireDownload(t, files, data)
		require.Zero(t, tcp.n.Load(), "connections over TCP")
		require.Positive(t, e.socket.accepted.Load())
	}
}
