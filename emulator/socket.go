package emulator

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/server"
)

// The in-process emulator also serves its requests, on Linux and macOS, on
// a Unix socket in a directory only the current user can enter, and the
// client it hands out (HTTPClient, ClientOptions, NewClient) reaches the
// emulator's own host:port through that socket, in plain HTTP/1.1. A socket no other user
// can open needs no TLS, and skipping both TLS and loopback TCP makes a
// large transfer about twice as fast (docs/benchmarks.md, "Emulator file
// transfers"). The endpoint URL, the certificate and the TCP listener stay
// as they are for every other client; Options.DisableUnixSocket turns the
// socket off. The client makes sure that it is this process that serves the
// socket (dialer).

// dialFunc is the shape of http.Transport's DialContext.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// localSocket is the emulator's private Unix socket.
type localSocket struct {
	dir  string // made for the socket; removed on close
	path string
	ln   *net.UnixListener
	// accepted counts the connections accepted, for tests to tell which
	// way a client came.
	accepted atomic.Int64
	// bypassed is set once a dial found the socket served by another
	// process, or not at all: the client then dials TCP.
	bypassed atomic.Bool
}

// Accept implements net.Listener: it hands out socketConns.
func (s *localSocket) Accept() (net.Conn, error) {
	c, err := s.ln.AcceptUnix()
	if err != nil {
		return nil, err
	}
	s.accepted.Add(1)
	return &socketConn{UnixConn: c}, nil
}

// Close implements net.Listener.
func (s *localSocket) Close() error { return s.ln.Close() }

// Addr implements net.Listener.
func (s *localSocket) Addr() net.Addr { return s.ln.Addr() }

// remove deletes the socket's directory, once the listener is closed.
func (s *localSocket) remove() error { return os.RemoveAll(s.dir) }

// dialer returns a dial function that connects to the socket when asked
// for addr (the emulator's host:port) and hands any other address to next.
// The code of a session runs as the same user: it can unlink the socket and
// listen at its path. So a connection whose other end is not this process
// is closed before a byte is written, and that dial and every later one go
// to next (TCP, and TLS for https): the emulator still holds its port, the
// client keeps working and the impostor learns nothing. A socket that
// cannot be reached is left for good the same way.
func (s *localSocket) dialer(addr string, next dialFunc) dialFunc {
	return func(ctx context.Context, network, a string) (net.Conn, error) {
		if a != addr || s.bypassed.Load() {
			return next(ctx, network, a)
		}
		c, err := s.dial(ctx)
		if err == nil {
			return c, nil
		}
		if ctx.Err() != nil {
			return nil, err // the caller gave up; the socket may be fine
		}
		s.bypassed.Store(true)
		return next(ctx, network, a)
	}
}

// errSocketPeer is the error of a socket connection that another process
// serves.
var errSocketPeer = errors.New("emulator: the socket is served by another process")

// dial connects to the socket and checks that this process serves it.
func (s *localSocket) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", s.path)
	if err != nil {
		return nil, err
	}
	uc := c.(*net.UnixConn) // what a "unix" dial returns
	rc, err := uc.SyscallConn()
	var pid int
	if err == nil {
		pid, err = socketPeerPID(rc)
	}
	if err == nil && pid != os.Getpid() {
		err = errSocketPeer
	}
	if err != nil {
		_ = c.Close()
		return nil, err
	}
	return &socketConn{UnixConn: uc}, nil
}

// socketConn is one end of a connection over the socket. Its ReadFrom
// (how net/http sends a request body, and how http.ServeContent sends a
// file) copies clientBlock bytes at a time instead of 32 KiB: each write
// of a Unix socket is a system call, however small. On Linux it sends a
// regular file with sendfile(2) instead (socket_sendfile_linux.go).
type socketConn struct {
	*net.UnixConn
}

// serveSocket starts serving the private socket, unless opts turn it off
// or the system cannot, and routes the client to it.
func (e *Emulator) serveSocket(opts *Options) {
	if opts.DisableUnixSocket {
		return
	}
	s := listenSocket()
	if s == nil {
		return
	}
	e.socket = s
	t := e.client.Transport.(*http.Transport)
	host := strings.TrimPrefix(e.endpoint, e.scheme+"://")
	// Only the dial of the endpoint's scheme: over HTTPS, a clone of the
	// transport without DialTLSContext (another TLSClientConfig) then
	// speaks TLS over TCP, not to a socket that does not.
	if e.insecure {
		t.DialContext = s.dialer(host, t.DialContext)
	} else {
		t.DialTLSContext = s.dialer(host, t.DialTLSContext)
	}
	e.serve(s)
}

// connContext is the HTTP server's ConnContext: a connection over the
// socket stands for the endpoint's scheme (so that the links the server
// answers with name it); a TLS one can batch its writes.
func (e *Emulator) connContext(ctx context.Context, c net.Conn) context.Context {
	if _, ok := c.(*socketConn); ok {
		return server.WithEndpointScheme(ctx, e.scheme)
	}
	return connBatcher(ctx, c)
}
