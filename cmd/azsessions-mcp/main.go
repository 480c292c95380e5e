// Command azsessions-mcp is an MCP server that gives any MCP client (desktop
// assistants, IDEs, agent frameworks) a code interpreter: Python, or a shell,
// in an Azure Container Apps dynamic session.
//
//	go run ./cmd/azsessions-mcp                      # stdio, for clients that start it
//	go run ./cmd/azsessions-mcp -transport http      # streamable HTTP on 127.0.0.1:8765/mcp
//
// With AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT set it uses that
// pool, authenticating with azidentity.DefaultAzureCredential; without it,
// an emulator started in the process (it runs code as the current user: a
// development tool, not a security boundary). It says on standard error
// which.
//
// With stdio, standard output carries only the protocol; logs go to standard
// error and never hold code, file contents, arguments or tokens. A line on
// standard input that is not a JSON-RPC message gets a JSON-RPC error answer
// and the server reads on. The HTTP transport requires a bearer token:
// -token, or AZSESSIONS_MCP_TOKEN (which, unlike a flag, other users cannot
// read in the process list), or else a generated one, printed once on
// standard error when the server listens. SIGTERM, SIGINT and SIGHUP (each
// of the last two unless it is ignored, as SIGHUP is under nohup) and, with
// stdio, the end of standard input shut the server down and delete every
// sandbox it made.
//
// Unless GOGC is set, the command runs the garbage collector at GOGC=400
// rather than Go's default of 100: the server's live heap is small, and the
// MCP SDK allocates hundreds of KB a tool call (see docs/agents.md).
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/poolselect"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// Environment variables the command reads.
const (
	endpointVariable = poolselect.EndpointVariable
	tokenVariable    = "AZSESSIONS_MCP_TOKEN"
)

// shutdownSignals are the signals that shut the server down, and those it
// drops. SIGHUP shuts it down too: a terminal closing under the server must
// delete its sandboxes as an interrupt would, not leave them to the pool's
// cooldown. SIGINT and SIGHUP are dropped instead when the process started
// with them ignored (nohup ignores SIGHUP, a shell ignores SIGINT for a
// command it starts in the background), so that a Ctrl-C or the closing
// terminal does not end a server its user started to outlive them.
func shutdownSignals() (shutdown, dropped []os.Signal) {
	shutdown = []os.Signal{syscall.SIGTERM}
	for _, sig := range []os.Signal{os.Interrupt, syscall.SIGHUP} {
		if signal.Ignored(sig) {
			dropped = append(dropped, sig)
		} else {
			shutdown = append(shutdown, sig)
		}
	}
	return shutdown, dropped
}

// dropSignals catches sigs and drops them, rather than leaving them
// ignored: every process the embedded emulator starts would inherit an
// ignored signal (exec keeps it), so a sandbox's code would find SIGINT
// ignored (no KeyboardInterrupt, kill -INT doing nothing), as a pool's
// never is; exec resets a caught one to its default. Notify never blocks on
// the channel, so with nobody reading it the signals are dropped.
func dropSignals(sigs []os.Signal) {
	if len(sigs) > 0 {
		signal.Notify(make(chan os.Signal, 1), sigs...)
	}
}

// defaultAddr is where -transport http listens unless -addr says otherwise.
const defaultAddr = "127.0.0.1:8765"

func main() {
	tuneGC(os.Getenv)
	shutdown, dropped := shutdownSignals()
	// SIGPIPE is dropped too: a client that dies closes the server's
	// stdout, and Go's default for a write to a broken stdout is to die of
	// SIGPIPE, before the shutdown deletes the sandboxes. Caught, the write
	// fails with EPIPE and the shutdown goes on; the emulator's processes
	// get SIGPIPE at its default, as exec resets a caught signal.
	dropSignals(append(dropped, syscall.SIGPIPE))
	ctx, stop := signal.NotifyContext(context.Background(), shutdown...)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "azsessions-mcp:", err)
		}
		os.Exit(2)
	}
}

// config is what the flags and the environment decided.
type config struct {
	transport   string
	addr        string
	token       string
	tools       []string
	timeout     time.Duration
	poolType    agenttool.PoolType
	logLevel    slog.Level
	sessionIdle time.Duration
	maxHandles  int
	python      string
}

// parseFlags reads the command line into a config, taking the token from
// the environment when no flag gives one.
func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs, raw := newFlagSet(stderr)
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	cfg, err := raw.check()
	if err != nil {
		return config{}, err
	}
	if cfg.token == "" {
		cfg.token = getenv(tokenVariable)
	}
	return cfg, nil
}

// rawFlags holds the flags as given: the config's plain fields, and the
// text of those check turns into typed ones.
type rawFlags struct {
	config
	tools, poolType, logLevel string
}

// newFlagSet defines the command's flags, writing into the rawFlags it
// returns.
func newFlagSet(stderr io.Writer) (*flag.FlagSet, *rawFlags) {
	fs := flag.NewFlagSet("azsessions-mcp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &rawFlags{}
	fs.StringVar(&f.transport, "transport", "stdio", "stdio, or http (streamable HTTP)")
	fs.StringVar(&f.addr, "addr", defaultAddr, "with -transport http: the address to listen on (host:port; port 0 picks a free one)")
	fs.StringVar(&f.token, "token", "", "with -transport http: the bearer token clients must send (default $"+tokenVariable+", else a generated one printed on stderr)")
	fs.StringVar(&f.tools, "tools", "", "comma-separated tools to offer (default: every tool that fits -pool-type except delete_file); new_session is always offered")
	fs.DurationVar(&f.timeout, "timeout", agenttool.DefaultTimeout, "default time limit of one run, from 1s to 220s; the model may ask for less or more up to the cap")
	fs.StringVar(&f.poolType, "pool-type", string(agenttool.PoolTypePython), "python (code-interpreter pool: run_python) or shell (shell pool: run_shell)")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&f.python, "python", "python3", "the embedded emulator's Python interpreter (path, or name in PATH), e.g. the one with matplotlib and pandas; unused with $"+endpointVariable)
	fs.DurationVar(&f.sessionIdle, "session-timeout", mcpserver.DefaultSessionTimeout, "with -transport http: close an MCP session, and delete its sandbox, after this long without a request")
	fs.IntVar(&f.maxHandles, "max-handles", mcpserver.DefaultMaxHandles, "the most live new_session handles the server holds (negative: no limit); past it new_session asks the model to reuse one")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: azsessions-mcp [flags]\n\n"+
			"An MCP server that runs code in Azure Container Apps dynamic sessions, or in a local emulator\n"+
			"when $%s is not set.\n\nFlags:\n", endpointVariable)
		fs.PrintDefaults()
	}
	return fs, f
}

// check turns the flags into a config, refusing values the server cannot
// use.
func (f *rawFlags) check() (config, error) {
	cfg := f.config
	switch cfg.transport {
	case "stdio", "http":
	default:
		return config{}, fmt.Errorf("-transport %q: want stdio or http", cfg.transport)
	}
	switch pt := agenttool.PoolType(f.poolType); pt {
	case agenttool.PoolTypePython, agenttool.PoolTypeShell:
		cfg.poolType = pt
	default:
		return config{}, fmt.Errorf("-pool-type %q: want python or shell", f.poolType)
	}
	if err := cfg.logLevel.UnmarshalText([]byte(f.logLevel)); err != nil {
		return config{}, fmt.Errorf("-log-level %q: want debug, info, warn or error", f.logLevel)
	}
	cfg.tools = toolList(f.tools)
	if f.tools != "" && cfg.tools == nil {
		return config{}, fmt.Errorf("-tools %q names no toolkit tool", f.tools)
	}
	// 0 is refused too: the toolkit would read it as its default, and a
	// user who gave it more likely meant no limit, which the pool has not.
	if cfg.timeout < time.Second {
		return config{}, fmt.Errorf("-timeout %s: want a duration of at least 1s (the pool counts whole seconds)", cfg.timeout)
	}
	if cfg.timeout > agenttool.MaxTimeout {
		// The toolkit would cap it; a user who asked for more should know.
		return config{}, fmt.Errorf("-timeout %s: the pool runs code for at most %s", cfg.timeout, agenttool.MaxTimeout)
	}
	if cfg.maxHandles == 0 {
		// mcpserver.Options reads 0 as its default, not as "none".
		return config{}, errors.New("-max-handles 0: want a positive number, or a negative one for no limit")
	}
	return cfg, nil
}

// toolList is the toolkit tools a -tools value names; new_session, which
// is always offered, is left out.
func toolList(s string) []string {
	var tools []string
	for _, name := range strings.Split(s, ",") {
		name = strings.TrimSpace(name)
		if name != "" && name != mcpserver.ToolNewSession {
			tools = append(tools, name)
		}
	}
	return tools
}

// run is the whole command, with its inputs and outputs passed in.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.ReadCloser, stdout io.WriteCloser, stderr io.Writer) error {
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))

	client, release, err := connect(getenv, cfg, stderr)
	if err != nil {
		return err
	}
	defer release()

	srv, err := mcpserver.New(client, &mcpserver.Options{
		Toolkit: agenttool.Options{
			PoolType: cfg.poolType,
			Tools:    cfg.tools,
			Timeout:  cfg.timeout,
		},
		MaxHandles: cfg.maxHandles,
		Version:    version(),
		Logger:     log,
	})
	if err != nil {
		return err
	}
	defer func() {
		// The deletions must run even when ctx ended (a signal): give them
		// their own time.
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if err := srv.Close(closeCtx); err != nil {
			fmt.Fprintln(stderr, "azsessions-mcp: deleting the sandboxes:", err)
		}
	}()

	if cfg.transport == "stdio" {
		fmt.Fprintln(stderr, "azsessions-mcp: serving MCP over stdio")
		// A line that is not a JSON-RPC message gets an error answer; with
		// the SDK's own transport it would end the connection, and every
		// sandbox with it.
		err := srv.Run(ctx, &mcpserver.IOTransport{Reader: stdin, Writer: stdout, Logger: log})
		// EOF and EPIPE both mean the client went away: a shutdown.
		if err != nil && ctx.Err() == nil && !errors.Is(err, io.EOF) && !errors.Is(err, syscall.EPIPE) {
			return err
		}
		fmt.Fprintln(stderr, "azsessions-mcp: shutting down")
		return nil
	}
	return serveHTTP(ctx, srv, cfg, stderr)
}

// connect returns a client for the pool named by the environment, or for an
// emulator it starts, and a function that stops what it started.
func connect(getenv func(string) string, cfg config, stderr io.Writer) (*azsessions.Client, func(), error) {
	poolType := cfg.poolType
	p, err := poolselect.Open(getenv, &emulator.Options{PoolType: string(poolType), Python: cfg.python})
	if err != nil {
		return nil, nil, err
	}
	if p.Emulator == nil {
		fmt.Fprintf(stderr, "azsessions-mcp: using the session pool at %s (from %s), as a %s pool\n", p.Endpoint, endpointVariable, poolType)
	} else {
		fmt.Fprintf(stderr, "azsessions-mcp: %s is not set: using a local %s emulator (code runs on this machine as the current user)\n", endpointVariable, poolType)
	}
	return p.Client, p.Close, nil
}

// serveHTTP serves streamable HTTP at /mcp until ctx ends.
func serveHTTP(ctx context.Context, srv *mcpserver.Server, cfg config, stderr io.Writer) error {
	// Listen first: a generated token is printed only for a server that
	// will take it, not before a port in use ends the command.
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	defer ln.Close() // Serve closes it too; this covers the returns before it
	token := cfg.token
	generated := token == ""
	if generated {
		token = rand.Text()
	}
	handler, err := srv.HTTPHandler(mcpserver.HTTPOptions{Token: token, SessionTimeout: cfg.sessionIdle})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp", handler)
	if generated {
		fmt.Fprintf(stderr, "azsessions-mcp: generated bearer token (set -token or $%s to choose one): %s\n", tokenVariable, token)
	}
	host := ln.Addr().(*net.TCPAddr)
	if !host.IP.IsLoopback() {
		fmt.Fprintln(stderr, "azsessions-mcp: warning: listening beyond loopback over plain HTTP; the bearer token crosses the network in clear unless a TLS proxy fronts this server")
	}
	httpSrv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 30 * time.Second,
	}
	fmt.Fprintf(stderr, "azsessions-mcp: serving MCP over streamable HTTP at http://%s/mcp\n", endpointHost(host))
	served := make(chan error, 1)
	go func() { served <- httpSrv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "azsessions-mcp: shutting down")
	// Close stops the calls in progress, whose requests Shutdown would
	// otherwise wait for, and deletes the sandboxes; run's own Close is
	// then a no-op.
	closeCtx, cancelClose := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancelClose()
	if err := srv.Close(closeCtx); err != nil {
		fmt.Fprintln(stderr, "azsessions-mcp: deleting the sandboxes:", err)
	}
	// Streams that stay open (a client's event stream) would hold Shutdown
	// for ever: give open requests a moment, then cut them.
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := httpSrv.Shutdown(shutCtx); err != nil {
		_ = httpSrv.Close()
	}
	return nil
}

// endpointHost names a listening address the way a client dials it.
func endpointHost(a *net.TCPAddr) string {
	if a.IP.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", fmt.Sprint(a.Port))
	}
	return a.String()
}

// version is the module version the binary was built from, when known.
func version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}
