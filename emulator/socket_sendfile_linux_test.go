package emulator

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// socketPair returns the two ends of a connection over a Unix socket, the
// sending one as a socketConn, both closed when t ends.
func socketPair(t *testing.T) (*socketConn, *net.UnixConn) {
	t.Helper()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(t.TempDir(), "s"), Net: "unix"})
	require.NoError(t, err)
	defer ln.Close()
	peer, err := net.DialUnix("unix", nil, ln.Addr().(*net.UnixAddr))
	require.NoError(t, err)
	t.Cleanup(func() { _ = peer.Close() })
	c, err := ln.AcceptUnix()
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return &socketConn{UnixConn: c}, peer
}

// randomFile writes size random bytes to a new file, open for reading.
func randomFile(t *testing.T, size int) (*os.File, []byte) {
	t.Helper()
	data := make([]byte, size)
	_, _ = rand.Read(data)
	path := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	f, err := os.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f, data
}

// sendAndRead has c.ReadFrom(r) send while the peer reads, then closes
// the sending side and returns what the peer read and what ReadFrom said.
func sendAndRead(t *testing.T, c *socketConn, peer *net.UnixConn, r io.Reader) ([]byte, int64, error) {
	t.Helper()
	type result struct {
		n   int64
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := c.ReadFrom(r)
		_ = c.CloseWrite()
		done <- result{n, err}
	}()
	got, err := io.ReadAll(peer)
	require.NoError(t, err)
	res := <-done
	return got, res.n, res.err
}

// A regular file goes out with sendfile(2), whole and unchanged, from its
// offset on, and leaves the offset at its end as a copy would.
func TestSocketSendsFilesWithSendfile(t *testing.T) {
	for _, size := range []int{0, 1, 4099, 5<<20 + 13} {
		c, peer := socketPair(t)
		f, data := randomFile(t, size)
		start := min(size, 7)
		_, err := f.Seek(int64(start), io.SeekStart)
		require.NoError(t, err)
		before := sentByFile.Load()
		got, n, err := sendAndRead(t, c, peer, f)
		require.NoError(t, err)
		require.Equal(t, int64(size-start), n, "size %d", size)
		require.True(t, bytes.Equal(data[start:], got), "size %d: the bytes changed", size)
		require.Equal(t, int64(size-start), sentByFile.Load()-before, "size %d: bytes sent with sendfile", size)
		off, err := f.Seek(0, io.SeekCurrent)
		require.NoError(t, err)
		require.Equal(t, int64(size), off, "size %d: the file's offset", size)
	}
}

// A LimitedReader around a file (how http.ServeContent sends one) is
// honoured: no more than N bytes go, N and the offset move by what went,
// and a file shorter than N ends the copy without an error.
func TestSocketSendfileHonoursLimitedReader(t *testing.T) {
	const size = 3<<20 + 5
	for _, tc := range []struct {
		name  string
		limit int64
		want  int64
	}{
		{"shorter than the file", 1<<20 + 3, 1<<20 + 3},
		{"longer than the file", size + 100, size - 10},
	} {
		c, peer := socketPair(t)
		f, data := randomFile(t, size)
		_, err := f.Seek(10, io.SeekStart)
		require.NoError(t, err)
		lr := &io.LimitedReader{R: f, N: tc.limit}
		before := sentByFile.Load()
		got, n, err := sendAndRead(t, c, peer, lr)
		require.NoError(t, err, tc.name)
		require.Equal(t, tc.want, n, tc.name)
		require.True(t, bytes.Equal(data[10:10+tc.want], got), "%s: the bytes changed", tc.name)
		require.Equal(t, tc.limit-tc.want, lr.N, "%s: the LimitedReader's N", tc.name)
		require.Equal(t, tc.want, sentByFile.Load()-before, "%s: bytes sent with sendfile", tc.name)
		off, err := f.Seek(0, io.SeekCurrent)
		require.NoError(t, err)
		require.Equal(t, 10+tc.want, off, "%s: the file's offset", tc.name)
	}
}

// What is not a regular file is copied as before.
func TestSocketCopiesWhatIsNotAFile(t *testing.T) {
	c, peer := socketPair(t)
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { _ = pr.Close() })
	go func() {
		_, _ = io.WriteString(pw, "through a pipe")
		_ = pw.Close()
	}()
	before := sentByFile.Load()
	for _, r := range []io.Reader{pr, strings.NewReader(" and a string")} {
		_, err := c.ReadFrom(r)
		require.NoError(t, err)
	}
	require.NoError(t, c.CloseWrite())
	got, err := io.ReadAll(peer)
	require.NoError(t, err)
	require.Equal(t, "through a pipe and a string", string(got))
	require.Equal(t, before, sentByFile.Load(), "bytes sent with sendfile")
}

// A peer that goes away in the middle of a file makes ReadFrom fail, not
// wait for it.
func TestSocketSendfileFailsWhenThePeerCloses(t *testing.T) {
	c, peer := socketPair(t)
	f, _ := randomFile(t, 16<<20)
	done := make(chan error, 1)
	go func() {
		_, err := c.ReadFrom(f)
		done <- err
	}()
	_, err := io.ReadFull(peer, make([]byte, 4096))
	require.NoError(t, err)
	require.NoError(t, peer.Close())
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // a hang guard only
	defer cancel()
	select {
	case err := <-done:
		require.Error(t, err)
	case <-ctx.Done():
		t.Fatal("ReadFrom still sending a minute after the peer closed")
	}
}

// A download through the SDK over the socket goes out with sendfile(2)
// and arrives unchanged.
func TestSDKDownloadUsesSendfile(t *testing.T) {
	e, tcp := startCounted(t, &Options{InsecureHTTP: true, ReadySessions: -1})
	client, err := e.NewClient()
	require.NoError(t, err)
	files := client.NewFilesClient()
	data := make([]byte, 3<<20+17)
	_, _ = rand.Read(data)
	_, err = files.Upload(context.Background(), "batch", "big.bin", bytes.NewReader(data), nil)
	require.NoError(t, err)
	before := sentByFile.Load()
	requireDownload(t, files, data)
	// net/http writes the first 512 bytes itself (with the header) before
	// it hands the rest of the file to the connection.
	require.GreaterOrEqual(t, sentByFile.Load()-before, int64(len(data)-512), "bytes sent with sendfile")
	require.Zero(t, tcp.n.Load(), "connections over TCP")
}
