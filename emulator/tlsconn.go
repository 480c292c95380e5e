package emulator

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"sync"
)

// TLS carries data in records of at most 16 KiB, and Go's crypto/tls makes
// one system call per record: to read one, or to write one. A 1 GiB
// transfer so makes 65,536 of each, dear on a VM. The emulator's server
// reads its TLS connections in blocks of serverReadAhead; its client (the
// one its HTTPClient and NewClient use) also reads in blocks, and writes
// all the records of one Write in a single system call.

// serverReadAhead is how much of a TLS connection the server reads at
// once. It is allocated per connection, so it stays modest.
const serverReadAhead = 64 << 10

// clientBlock is how much the emulator's client reads of a TLS connection
// at once, and how much of a request body it encrypts per write.
const clientBlock = 256 << 10

// readAheadConn reads its connection through a buffer, so that each
// record TLS asks for does not cost a system call of its own.
type readAheadConn struct {
	net.Conn
	r *bufio.Reader
}

func newReadAheadConn(c net.Conn, size int) *readAheadConn {
	return &readAheadConn{Conn: c, r: bufio.NewReaderSize(c, size)}
}

// Read implements net.Conn.
func (c *readAheadConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// tlsListener is tls.NewListener with read-ahead under TLS.
type tlsListener struct {
	net.Listener
	config *tls.Config
}

// Accept implements net.Listener.
func (l tlsListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return tls.Server(newReadAheadConn(c, serverReadAhead), l.config), nil
}

// dialBatchedTLS returns an http.Transport DialTLSContext that dials with
// dial and speaks TLS with config over a connection that reads ahead and
// sends each Write's records in one system call.
func dialBatchedTLS(dial func(ctx context.Context, network, addr string) (net.Conn, error), config *tls.Config) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		raw, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cfg := config.Clone()
		if cfg.ServerName == "" {
			host, _, err := net.SplitHostPort(addr)
			if err != nil {
				_ = raw.Close()
				return nil, err
			}
			cfg.ServerName = host
		}
		under := &batchConn{readAheadConn: newReadAheadConn(raw, clientBlock)}
		tc := tls.Client(under, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			_ = raw.Close()
			return nil, err
		}
		return &batchedTLSConn{Conn: tc, under: under}, nil
	}
}

// batchConn holds back what TLS writes while a batch is open and sends it
// in one write when the batch ends. Outside a batch (the handshake, an
// alert sent while reading, close_notify) writes go through as they come.
type batchConn struct {
	*readAheadConn

	mu       sync.Mutex
	batching bool
	pending  []byte
}

// Write implements net.Conn.
func (c *batchConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.batching {
		c.pending = append(c.pending, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (c *batchConn) begin() {
	c.mu.Lock()
	c.batching = true
	c.mu.Unlock()
}

// flush ends the batch and sends what it held.
func (c *batchConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batching = false
	if len(c.pending) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.pending)
	c.pending = c.pending[:0]
	return err
}

// batchedTLSConn is a client TLS connection whose Write sends all its
// records at once, and whose ReadFrom (how net/http sends a request body)
// encrypts the body clientBlock bytes at a time instead of 32 KiB.
type batchedTLSConn struct {
	*tls.Conn
	under *batchConn
}

// Write implements net.Conn.
func (c *batchedTLSConn) Write(p []byte) (int, error) {
	c.under.begin()
	n, err := c.Conn.Write(p)
	if ferr := c.under.flush(); err == nil && ferr != nil {
		return 0, ferr
	}
	return n, err
}

// bodyBuffers recycles ReadFrom's buffers between request bodies.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, clientBlock); return &b }}

// ReadFrom implements io.ReaderFrom. Each read of r is written as it comes
// (no waiting to fill the block), so a body that streams slowly is sent as
// it streams.
func (c *batchedTLSConn) ReadFrom(r io.Reader) (int64, error) {
	bp := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(bp)
	return io.CopyBuffer(struct{ io.Writer }{c}, struct{ io.Reader }{r}, *bp)
}
