package emulator

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// countingConn counts the reads and writes that reach the socket.
type countingConn struct {
	net.Conn
	reads, writes *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	c.reads.Add(1)
	return c.Conn.Read(p)
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// The emulator's HTTPS client sends a request body in writes of many TLS
// records each, not one system call per 16 KiB record, and the bytes
// still arrive intact.
func TestTLSClientBatchesRecords(t *testing.T) {
	e := StartForTest(t, &Options{ReadySessions: -1, DisableUnixSocket: true})
	var reads, writes atomic.Int64
	tr := e.client.Transport.(*http.Transport).Clone()
	tr.DialTLSContext = dialBatchedTLS(func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{Conn: c, reads: &reads, writes: &writes}, nil
	}, tr.TLSClientConfig)
	opts := e.ClientOptions()
	opts.Transport = &http.Client{Transport: tr}
	client, err := azsessions.NewClient(e.Endpoint(), e.Credential(), opts)
	require.NoError(t, err)
	files := client.NewFilesClient()

	const size = 8 << 20
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i * 13)
	}
	_, err = files.Upload(context.Background(), "batch", "big.bin", bytes.NewReader(data), nil)
	require.NoError(t, err)
	// One record per write would be at least size/16 KiB = 512 writes.
	require.Less(t, writes.Load(), int64(size/(64<<10)), "socket writes for an %d MiB upload", size>>20)

	requireDownload(t, files, data)
}

// countingListener counts the reads and writes of the connections it
// accepts.
type countingListener struct {
	net.Listener
	reads, writes atomic.Int64
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{Conn: c, reads: &l.reads, writes: &l.writes}, nil
}

// The emulator's HTTPS server sends a file in writes of many TLS records
// each, not one system call per 16 KiB record.
func TestTLSServerBatchesRecords(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ln := &countingListener{Listener: inner}
	e, err := startOn(ln, &Options{ReadySessions: -1, DisableUnixSocket: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, e.Close()) })
	client, err := e.NewClient()
	require.NoError(t, err)
	files := client.NewFilesClient()

	const size = 8 << 20
	data := bytes.Repeat([]byte("batched records!"), size/16)
	_, err = files.Upload(context.Background(), "batch", "big.bin", bytes.NewReader(data), nil)
	require.NoError(t, err)
	before := ln.writes.Load()
	requireDownload(t, files, data)
	// One record per write would be at least size/16 KiB = 512 writes.
	require.Less(t, ln.writes.Load()-before, int64(size/(64<<10)), "server socket writes for an %d MiB download", size>>20)
}

// scriptedConn is a connection whose reads return whatever is asked of
// the bytes left, counting the calls.
type scriptedConn struct {
	net.Conn
	data  *bytes.Reader
	reads int
}

func (c *scriptedConn) Read(p []byte) (int, error) {
	c.reads++
	return c.data.Read(p)
}

// Reading a connection record by record goes to the socket once per block.
func TestReadAheadConnReadsInBlocks(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB
	raw := &scriptedConn{data: bytes.NewReader(data)}
	c := newReadAheadConn(raw, 256<<10)
	var got bytes.Buffer
	record := make([]byte, 16<<10+29)
	for {
		n, err := c.Read(record)
		got.Write(record[:n])
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	require.Equal(t, data, got.Bytes())
	require.LessOrEqual(t, raw.reads, 5, "1 MiB in blocks of 256 KiB, then EOF")
}

// sizesConn records the size of each write that reaches it.
type sizesConn struct {
	net.Conn
	sizes []int
}

func (c *sizesConn) Write(p []byte) (int, error) {
	c.sizes = append(c.sizes, len(p))
	return len(p), nil
}

// A batch holds back at most about maxBatch bytes: a large answer goes out
// in pieces of that size, in order, not copied whole into memory.
func TestBatchConnBoundsWhatItHolds(t *testing.T) {
	raw := &sizesConn{}
	c := &batchConn{readAheadConn: newReadAheadConn(raw, 4096)}
	record := make([]byte, 16<<10)
	c.begin()
	total := 0
	for range 100 { // 1.6 MiB in records
		n, err := c.Write(record)
		require.NoError(t, err)
		total += n
	}
	require.NoError(t, c.flush())
	sum := 0
	for _, n := range raw.sizes {
		require.LessOrEqual(t, n, maxBatch, "one write to the socket")
		sum += n
	}
	require.Equal(t, total, sum, "every byte went out")
	require.Len(t, raw.sizes, 4, "1.6 MiB in writes of at most 512 KiB")
	_, err := c.Write(record) // outside a batch: straight through
	require.NoError(t, err)
	require.Len(t, raw.sizes, 5)
}

// failingConn refuses every write.
type failingConn struct {
	sizesConn
	closed bool
}

func (c *failingConn) Write(p []byte) (int, error) {
	return 0, errors.New("connection reset")
}

func (c *failingConn) Close() error { c.closed = true; return nil }

// A batch the socket refuses fails, closes the connection, and every later
// write fails too: TLS counted those records as sent, so going on would
// send a stream the peer cannot decrypt.
func TestBatchConnFailedWriteEndsTheConnection(t *testing.T) {
	raw := &failingConn{}
	c := &batchConn{readAheadConn: newReadAheadConn(raw, 4096)}
	c.begin()
	_, err := c.Write(make([]byte, 100))
	require.NoError(t, err, "held back, not sent yet")
	require.ErrorContains(t, c.flush(), "connection reset")
	require.True(t, raw.closed, "the connection is closed")
	_, err = c.Write([]byte("x"))
	require.ErrorContains(t, err, "connection reset", "outside a batch")
	c.begin()
	_, err = c.Write([]byte("x"))
	require.ErrorContains(t, err, "connection reset", "inside a batch")
	require.ErrorContains(t, c.flush(), "connection reset")
	require.Nil(t, c.pending, "no buffer kept")
}

// requireDownload downloads big.bin of session "batch" and requires it to be
// data.
func requireDownload(t *testing.T, files *azsessions.FilesClient, data []byte) {
	t.Helper()
	dl, err := files.Download(context.Background(), "batch", "big.bin", nil)
	require.NoError(t, err)
	got, err := io.ReadAll(dl.Body)
	dl.Body.Close()
	require.NoError(t, err)
	require.True(t, bytes.Equal(data, got), "the file came back changed")
}

// The emulator's client leaves a response's TLS field nil over TCP and TLS
// too (its TLS connection is not a *tls.Conn), as HTTPClient says; a clone
// of its transport without DialTLSContext fills it.
func TestClientResponsesHaveNoTLSState(t *testing.T) {
	e, err := Start(&Options{PoolType: PoolTypeShell, DisableUnixSocket: true})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, e.Close()) })
	get := func(c *http.Client) *http.Response {
		resp, err := c.Get(e.Endpoint() + "/")
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		require.NoError(t, resp.Body.Close())
		return resp
	}
	require.Nil(t, get(e.HTTPClient()).TLS)
	tr := e.HTTPClient().Transport.(*http.Transport).Clone()
	tr.DialTLSContext = nil
	require.NotNil(t, get(&http.Client{Transport: tr}).TLS)
}
