// Package emulator starts a local, in-process emulator of an Azure Container
// Apps dynamic sessions pool, and gives what a client needs to use it: an
// endpoint, a credential the emulator accepts and client options that trust
// its certificate. Like Azurite for Azure Storage, it lets code that uses
// the azsessions SDK run and be tested without an Azure account:
//
//	emu, err := emulator.Start(nil)
//	if err != nil { ... }
//	defer emu.Close()
//	client, err := emu.NewClient()
//
// In tests, NewForTest does all of that and cleans up with the test:
//
//	client := emulator.NewForTest(t, nil)
//
// The emulator really runs code: a long-lived python3 interpreter per
// session (or bash, for shell pools), in a temporary directory that stands
// for the session's /mnt/data. It runs that code as the current user: it is
// a development tool, not a security boundary. It listens on the loopback
// interface unless Options.Addr says otherwise. docs/emulator.md describes
// its behaviour, and where it had to guess the service's.
package emulator

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/server"
)

// Pool types.
const (
	// PoolTypePython emulates a Python code-interpreter pool (the default).
	PoolTypePython = server.PoolTypePython
	// PoolTypeShell emulates a shell pool: shellCommand and
	// execCommandAndArgs run with bash.
	PoolTypeShell = server.PoolTypeShell
)

// DefaultReadySessions is how many interpreters are kept started ahead of
// demand when Options.ReadySessions is zero.
const DefaultReadySessions = 2

// DefaultToken is the bearer token Credential hands out when Options.Token
// is empty. The emulator then accepts any non-empty bearer token.
const DefaultToken = "azsessions-emulator-token"

// Options configures an emulator. A nil *Options, and every zero field,
// means the default, which mirrors the service's limits.
type Options struct {
	// PoolType is PoolTypePython (default) or PoolTypeShell.
	PoolType string
	// Addr is the address to listen on (default "127.0.0.1:0": loopback,
	// a free port).
	Addr string
	// InsecureHTTP serves plain HTTP instead of HTTPS with a self-signed
	// certificate. ClientOptions then allows sending the token over HTTP.
	InsecureHTTP bool
	// Token, when set, is the only bearer token the emulator accepts, and
	// the one Credential returns. Otherwise any non-empty token is accepted.
	Token string
	// Cooldown is how long an idle session lives (default 300 s).
	Cooldown time.Duration
	// MaxSessions caps concurrent sessions; more answer 429 (default 100).
	MaxSessions int
	// ReadySessions is how many Python interpreters are kept started ahead
	// of demand, so a new session does not wait for Python to start.
	// Zero means DefaultReadySessions; negative means none.
	ReadySessions int
	// MaxUploadBytes caps one uploaded file; larger ones answer 413
	// (default 128 MiB, the service's limit).
	MaxUploadBytes int64
	// MaxExecutionTimeout caps timeoutInSeconds (default 220 s).
	MaxExecutionTimeout time.Duration
	// Python is the Python interpreter sessions run, a path or a name looked
	// up in PATH (default "python3"). When it can import IPython, cells run
	// through IPython's InteractiveShell as on the service's Jupyter kernel
	// (display(), !commands, %magics, inline figures); otherwise through a
	// plain interpreter. /metadata says which.
	Python string
	// MemoryLimitBytes caps each Python interpreter's address space; code
	// that exhausts it fails with "Execution aborted". Zero: no limit.
	MemoryLimitBytes int64
	// PoolName names the pool in stopSession's answer (default "emulator").
	PoolName string
	// Log receives one line per request (method, path, status, duration;
	// never code, contents, tokens or query strings). Nil: no log. The
	// lines are written from a goroutine of the emulator's own, so that a
	// writer that blocks stalls no request: a line may come after its
	// answer, and Close waits up to 2 s for the last ones. Read while the
	// emulator runs, a Log (a bytes.Buffer, say) must be safe for
	// concurrent use.
	Log io.Writer
	// DisableUnixSocket makes the emulator's own client (HTTPClient,
	// ClientOptions, NewClient) connect over TCP, with TLS unless
	// InsecureHTTP, as a program in another process does. By default, on
	// Linux and macOS, that client reaches the emulator through a private
	// Unix socket in plain HTTP instead, about twice as fast for large
	// files. Set it to test a TLS set-up through the emulator.
	DisableUnixSocket bool
}

// Emulator is a running emulator. Its methods are safe for concurrent use.
type Emulator struct {
	srv      backend
	httpSrv  *http.Server
	served   chan error // one value per listener served
	serving  int        // listeners served
	socket   *localSocket
	scheme   string // the endpoint's: "http" or "https"
	endpoint string
	token    string
	insecure bool
	cert     *x509.Certificate
	certPEM  []byte
	client   *http.Client

	closeOnce sync.Once
	closeErr  error
}

// backend is what serves the requests: a *server.Server.
type backend interface {
	http.Handler
	Close() error
}

// Start starts an emulator and returns once it accepts requests. Close it
// to stop every interpreter and remove every session's files.
func Start(opts *Options) (*Emulator, error) {
	if opts == nil {
		opts = &Options{}
	}
	ln, err := net.Listen("tcp", cmp.Or(opts.Addr, "127.0.0.1:0"))
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	return startOn(ln, opts)
}

// startOn starts an emulator serving ln, which it closes on failure.
func startOn(ln net.Listener, opts *Options) (*Emulator, error) {
	srv, err := server.New(serverConfig(opts))
	if err != nil {
		_ = ln.Close()
		return nil, fmt.Errorf("emulator: %w", err)
	}
	e := &Emulator{
		srv:      srv,
		httpSrv:  newHTTPServer(srv, opts.Log),
		served:   make(chan error, 2),
		token:    cmp.Or(opts.Token, DefaultToken),
		insecure: opts.InsecureHTTP,
	}
	if ln, err = e.secure(ln); err != nil {
		_ = ln.Close()
		_ = srv.Close()
		return nil, fmt.Errorf("emulator: %w", err)
	}
	e.httpSrv.ConnContext = e.connContext
	e.serveSocket(opts)
	e.serve(ln)
	return e, nil
}

// serve serves ln until Close.
func (e *Emulator) serve(ln net.Listener) {
	e.serving++
	go func() { e.served <- e.httpSrv.Serve(ln) }()
}

// serverConfig is the engine's configuration for opts.
func serverConfig(opts *Options) server.Config {
	ready := opts.ReadySessions
	switch {
	case ready == 0:
		ready = DefaultReadySessions
	case ready < 0:
		ready = 0
	}
	if opts.PoolType == PoolTypeShell {
		ready = 0 // nothing to keep started: each command is its own process
	}
	return server.Config{
		PoolType:            opts.PoolType,
		Token:               opts.Token,
		Cooldown:            opts.Cooldown,
		MaxSessions:         opts.MaxSessions,
		ReadySessions:       ready,
		MaxUploadBytes:      opts.MaxUploadBytes,
		MaxExecutionTimeout: opts.MaxExecutionTimeout,
		MemoryLimitBytes:    opts.MemoryLimitBytes,
		Python:              opts.Python,
		PoolName:            opts.PoolName,
		Log:                 opts.Log,
	}
}

// secure sets the endpoint and the client for listener ln and, unless the
// emulator serves plain HTTP, makes a self-signed certificate, wraps ln in
// TLS with it and has the client trust it. It returns the listener to
// serve.
func (e *Emulator) secure(ln net.Listener) (net.Listener, error) {
	addr := ln.Addr().(*net.TCPAddr)
	host := endpointHost(addr)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	e.client = &http.Client{Transport: transport}
	if e.insecure {
		e.scheme = "http"
		e.endpoint = "http://" + host
		return ln, nil
	}
	cert, err := selfSignedCert(addr.IP)
	if err != nil {
		return ln, err
	}
	e.cert, e.certPEM = cert.Leaf, pemEncode(cert.Leaf)
	e.httpSrv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	transport.DialTLSContext = dialBatchedTLS(transport.DialContext, transport.TLSClientConfig)
	e.scheme = "https"
	e.endpoint = "https://" + host
	e.httpSrv.Handler = batchTLSWrites(e.httpSrv.Handler)
	return tlsListener{Listener: ln, config: e.httpSrv.TLSConfig}, nil
}

// Connection limits of the HTTP server. There is no whole-request
// ReadTimeout or WriteTimeout: a 128 MiB upload or download over a slow
// link may take many minutes. Instead the server closes a connection whose
// headers do not arrive in time, whose body stops arriving for
// server.DefaultBodyReadTimeout, whose answer stops being read for
// server.DefaultAnswerWriteTimeout, or that stays idle between requests.
var (
	readHeaderTimeout = 30 * time.Second
	idleTimeout       = 2 * time.Minute
)

func newHTTPServer(h http.Handler, logTo io.Writer) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          errorLog(logTo),
	}
}

// errorLog sends net/http's own messages (TLS handshake failures, say) to
// the request log, or nowhere: never to the process's standard logger,
// which belongs to the program embedding the emulator.
func errorLog(w io.Writer) *log.Logger {
	if w == nil {
		w = io.Discard
	}
	return log.New(w, "", log.LstdFlags)
}

// endpointHost names the listening address as a client should dial it:
// an unspecified address (listening everywhere) is reached on loopback.
func endpointHost(a *net.TCPAddr) string {
	ip := a.IP
	if ip.IsUnspecified() {
		ip = net.IPv4(127, 0, 0, 1)
	}
	return net.JoinHostPort(ip.String(), fmt.Sprint(a.Port))
}

// Endpoint is the pool management endpoint to give a client, such as
// "https://127.0.0.1:41234".
func (e *Emulator) Endpoint() string { return e.endpoint }

// Credential returns a credential whose static token the emulator accepts.
func (e *Emulator) Credential() azcore.TokenCredential { return staticToken(e.token) }

// HTTPClient returns an HTTP client that trusts the emulator's certificate,
// for callers that speak the wire protocol without the SDK. The TLS field
// of its responses is nil, with Options.DisableUnixSocket too: it speaks
// TLS over a connection of its own that sends each write's records in one
// system call, and net/http fills that field only for a *tls.Conn.
//
// Unless Options.DisableUnixSocket is set, on Linux and macOS it reaches
// the emulator's own host:port through the emulator's private Unix socket,
// in plain HTTP/1.1 even for the https endpoint. Before writing a byte on
// a connection over the socket it checks that the process serving it is
// this one: the code of a session runs as the same user and could put its
// own listener at the socket's path. If another process serves it, or it
// cannot be reached, the client closes that connection and reaches the
// emulator over TCP (and TLS) from then on. Every other address it dials
// as usual. The socket is reached through its *http.Transport's
// DialContext (plain HTTP) or DialTLSContext (HTTPS). Over HTTPS, that
// DialTLSContext makes the TLS connections to other addresses itself with
// the TLSClientConfig the transport had at the start: a clone that changes
// TLSClientConfig must also set DialTLSContext to nil, and then reaches
// the emulator over TCP and TLS (with a TLS field in its responses).
func (e *Emulator) HTTPClient() *http.Client { return e.client }

// Certificate returns the emulator's self-signed certificate (nil with
// InsecureHTTP).
func (e *Emulator) Certificate() *x509.Certificate { return e.cert }

// CertificatePEM returns Certificate PEM-encoded, for tools outside Go
// (nil with InsecureHTTP).
func (e *Emulator) CertificatePEM() []byte { return e.certPEM }

// ClientOptions returns options for azsessions.NewClient whose transport
// trusts the emulator's certificate. Change them freely: each call returns
// a new value.
func (e *Emulator) ClientOptions() *azsessions.ClientOptions {
	o := &azsessions.ClientOptions{}
	o.Transport = e.client
	o.InsecureAllowCredentialWithHTTP = e.insecure
	return o
}

// NewClient returns a client of the emulator.
func (e *Emulator) NewClient() (*azsessions.Client, error) {
	return azsessions.NewClient(e.Endpoint(), e.Credential(), e.ClientOptions())
}

// shutdownGrace is how long Close lets requests in progress finish before
// it ends them by stopping the sessions under them. A variable so that
// tests need not wait for it.
var shutdownGrace = 5 * time.Second

// Close stops accepting requests, lets requests in progress finish (for a
// few seconds: a running execution is then ended), kills every interpreter
// and removes every session's files. It is idempotent.
func (e *Emulator) Close() error {
	e.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		var errs []error
		if err := e.httpSrv.Shutdown(ctx); err != nil {
			// Requests still running (long executions): stopping the
			// sessions ends them; then the connections are dropped.
			errs = append(errs, e.srv.Close(), e.httpSrv.Close())
		} else {
			errs = append(errs, e.srv.Close())
		}
		for range e.serving {
			if err := <-e.served; err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs = append(errs, err)
			}
		}
		e.client.CloseIdleConnections()
		if e.socket != nil {
			// Serve has closed the listener, which unlinked the socket.
			errs = append(errs, e.socket.remove())
		}
		e.closeErr = errors.Join(errs...)
	})
	return e.closeErr
}
