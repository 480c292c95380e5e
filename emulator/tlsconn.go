package emulator

import (
	"bufio"
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"sync"
)

// TLS carries data in records of at most 16 KiB, and Go's crypto/tls makes
// one system call per record: to read one, or to write one. A 1 GiB
// transfer so makes 65,536 of each, dear on a VM. The emulator's server
// reads its TLS connections in blocks of serverReadAhead and sends the
// records of each write of an answer at once; its client (the one its
// HTTPClient and NewClient use) also reads in blocks, and writes all the
// records of one Write in a single system call.

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

// tlsListener is tls.NewListener over connections that read ahead and
// can batch writes (see batchTLSWrites).
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
	return tls.Server(&batchConn{readAheadConn: newReadAheadConn(c, serverReadAhead)}, l.config), nil
}

// batchConnKey is the context key of a TLS connection's batchConn.
type batchConnKey struct{}

// connBatcher is the http.Server ConnContext that lets handlers find the
// batchConn under a TLS connection.
func connBatcher(ctx context.Context, c net.Conn) context.Context {
	if tc, ok := c.(*tls.Conn); ok {
		if bc, ok := tc.NetConn().(*batchConn); ok {
			return context.WithValue(ctx, batchConnKey{}, bc)
		}
	}
	return ctx
}

// batchTLSWrites sends the records of each write of an answer over TLS in
// one system call: http.Server keeps the *tls.Conn (for r.TLS), so the
// batch is opened and closed around the handler's writes instead.
func batchTLSWrites(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if bc, ok := r.Context().Value(batchConnKey{}).(*batchConn); ok {
			w = &batchedResponse{ResponseWriter: w, conn: bc}
		}
		h.ServeHTTP(w, r)
	})
}

// batchedResponse is a ResponseWriter whose writes reach the socket in one
// system call each, and whose ReadFrom (how http.ServeContent sends a
// file) copies clientBlock bytes at a time instead of 32 KiB.
type batchedResponse struct {
	http.ResponseWriter
	conn *batchConn
}

// Write implements http.ResponseWriter.
func (b *batchedResponse) Write(p []byte) (int, error) {
	b.conn.begin()
	n, err := b.ResponseWriter.Write(p)
	if ferr := b.conn.flush(); err == nil && ferr != nil {
		return n, ferr
	}
	return n, err
}

// ReadFrom implements io.ReaderFrom.
func (b *batchedResponse) ReadFrom(r io.Reader) (int64, error) {
	return copyInBlocks(b, r)
}

// Unwrap lets http.ResponseController reach the connection.
func (b *batchedResponse) Unwrap() http.ResponseWriter { return b.ResponseWriter }

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
	pending  *[]byte // from batchBuffers while a batch holds bytes
	err      error   // a failed write: TLS thinks those records were sent
}

// batchBuffers holds the buffers of open batches, so that an idle
// keep-alive connection keeps none.
var batchBuffers = sync.Pool{New: func() any { b := make([]byte, 0, maxBatch); return &b }}

// maxBatch bounds what a batch holds back: a larger write (a large JSON
// answer, say) goes out in pieces of about this size instead of being
// copied whole.
const maxBatch = 512 << 10

// Write implements net.Conn.
func (c *batchConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return 0, c.err
	}
	if !c.batching {
		return c.Conn.Write(p)
	}
	if c.pending == nil {
		c.pending = batchBuffers.Get().(*[]byte)
	}
	if len(*c.pending) > 0 && len(*c.pending)+len(p) > maxBatch {
		if err := c.writePending(); err != nil {
			return 0, err
		}
	}
	*c.pending = append(*c.pending, p...)
	return len(p), nil
}

// writePending sends what the batch holds; c.mu is held. When the socket
// refuses it, the records TLS already counted as sent are lost, so the
// connection is closed and every later write fails, rather than going on
// with a stream the peer cannot decrypt.
func (c *batchConn) writePending() error {
	_, err := c.Conn.Write(*c.pending)
	*c.pending = (*c.pending)[:0]
	if err != nil {
		c.err = err
		_ = c.Conn.Close()
	}
	return err
}

func (c *batchConn) begin() {
	c.mu.Lock()
	c.batching = true
	c.mu.Unlock()
}

// flush ends the batch, sends what it held and gives its buffer back.
func (c *batchConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.batching = false
	if c.pending == nil {
		return c.err
	}
	var err error
	if len(*c.pending) > 0 && c.err == nil {
		err = c.writePending()
	}
	*c.pending = (*c.pending)[:0]
	batchBuffers.Put(c.pending)
	c.pending = nil
	if err == nil {
		err = c.err
	}
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

// bodyBuffers recycles copyInBlocks's buffers between bodies.
var bodyBuffers = sync.Pool{New: func() any { b := make([]byte, clientBlock); return &b }}

// ReadFrom implements io.ReaderFrom.
func (c *batchedTLSConn) ReadFrom(r io.Reader) (int64, error) {
	return copyInBlocks(c, r)
}

// copyInBlocks copies r to w through a buffer of clientBlock bytes. Each
// read of r is written as it comes (no waiting to fill the block), so a
// body that streams slowly is sent as it streams.
func copyInBlocks(w io.Writer, r io.Reader) (int64, error) {
	bp := bodyBuffers.Get().(*[]byte)
	defer bodyBuffers.Put(bp)
	return io.CopyBuffer(struct{ io.Writer }{w}, struct{ io.Reader }{r}, *bp)
}
