package mcpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// Defaults of Options.
const (
	// DefaultProgressInterval is how often a call sends a progress
	// notification while it runs, when the client asked for progress:
	// often enough for clients that give up after 60 s of silence.
	DefaultProgressInterval = 10 * time.Second
	// DefaultHandleIdleTimeout is how long a handle's sandbox lives without
	// a call before the server deletes it.
	DefaultHandleIdleTimeout = 30 * time.Minute
	// DefaultMaxHandles caps the new_session handles a Server holds at
	// once: each can hold a sandbox of the pool until its idle timeout.
	DefaultMaxHandles = 100
	// DefaultMaxResourceBytes caps the size of a file read as a resource.
	DefaultMaxResourceBytes = 4 << 20
	// DefaultName is the implementation name reported to clients.
	DefaultName = "azsessions-mcp"
)

// Options configures a Server. A nil *Options, and every zero field, means
// the default.
type Options struct {
	// Toolkit configures the tools: pool type, the allowed set, the run
	// timeout and the output, upload, download and image budgets. See
	// agenttool.Options for their defaults.
	Toolkit agenttool.Options
	// Name and Version identify the server to clients (defaults
	// DefaultName and "dev").
	Name, Version string
	// Instructions, when set, replaces the short text that tells clients
	// what the server is for.
	Instructions string
	// ProgressInterval is how often a tool call sends a progress
	// notification while it runs, when the client gave a progress token
	// (default DefaultProgressInterval; negative: never).
	ProgressInterval time.Duration
	// HandleIdleTimeout is how long the sandbox of a new_session handle
	// lives without a call before the server deletes it (default
	// DefaultHandleIdleTimeout; negative: until the Server closes).
	HandleIdleTimeout time.Duration
	// HandleKey authenticates the handles new_session returns. Servers that
	// share the key, and the toolkit's Key, accept each other's handles
	// (several replicas behind one address). Nil: a random key, so handles
	// are only valid in this process. Replicas start a handle on the same
	// sandbox, but a reset on one moves it to a sandbox of that replica's
	// own, and an idle deletion or a shutdown on one empties it under the
	// others (docs/agents.md): route a handle's calls to one replica.
	HandleKey []byte
	// MaxHandles caps the live new_session handles (default
	// DefaultMaxHandles; negative: no limit). Past it, new_session is an
	// isError result telling the model to reuse a handle; handles free up
	// when their sandbox is deleted after HandleIdleTimeout.
	MaxHandles int
	// MaxResourceBytes caps the size of a file read as a resource (default
	// DefaultMaxResourceBytes): a resource travels in one message.
	MaxResourceBytes int64
	// Logger receives one record per tool call (tool, session identifier,
	// duration, outcome) and per failure the host must look at. It never
	// receives arguments, code, output, file contents or tokens. Nil: no
	// log.
	Logger *slog.Logger
}

// Server is an MCP server that runs the agenttool toolkit against one
// session pool. It is safe for concurrent use; one Server serves any number
// of connections.
type Server struct {
	client  *azsessions.Client
	toolkit *agenttool.Toolkit
	mcp     *mcp.Server
	opts    Options
	log     *slog.Logger
	tools   map[string]bool // the toolkit's tool names

	sessions *sessionTable

	// shutdown ends with Close; every call's context ends with it, so
	// Close does not wait for a run to finish before deleting its sandbox.
	shutdown    context.Context
	endAllCalls context.CancelCauseFunc
	connMu      sync.Mutex
	conns       map[*mcp.ServerSession]*connection

	stopSweep chan struct{}
	sweepDone chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// New returns a Server whose tools run in client's session pool. Close it to
// delete the sandboxes it made.
func New(client *azsessions.Client, options *Options) (*Server, error) {
	if client == nil {
		return nil, errors.New("mcpserver: client is nil")
	}
	opts := withDefaults(options)
	toolkit, err := agenttool.New(client, &opts.Toolkit)
	if err != nil {
		return nil, fmt.Errorf("mcpserver: %w", err)
	}
	table, err := newSessionTable(toolkit, opts.HandleKey, opts.MaxHandles)
	if err != nil {
		return nil, fmt.Errorf("mcpserver: %w", err)
	}
	s := &Server{
		client:    client,
		toolkit:   toolkit,
		opts:      opts,
		log:       opts.Logger,
		tools:     map[string]bool{},
		sessions:  table,
		conns:     map[*mcp.ServerSession]*connection{},
		stopSweep: make(chan struct{}),
		sweepDone: make(chan struct{}),
	}
	s.shutdown, s.endAllCalls = context.WithCancelCause(context.Background())
	// The SDK gets no logger: its records can quote requests, and requests
	// hold code and file contents.
	s.mcp = mcp.NewServer(&mcp.Implementation{Name: opts.Name, Version: opts.Version}, &mcp.ServerOptions{
		Instructions: opts.Instructions,
		Capabilities: &mcp.ServerCapabilities{},
	})
	names := s.addTools()
	s.addResources()
	s.mcp.AddReceivingMiddleware(clipAnswers, encodeResourceURIs, orderTools(toolOrder(names)))
	go s.sweepLoop()
	return s, nil
}

// withDefaults is a copy of options (nil for none) with every unset field
// set to its default.
func withDefaults(options *Options) Options {
	var opts Options
	if options != nil {
		opts = *options
	}
	if opts.Name == "" {
		opts.Name = DefaultName
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	if opts.ProgressInterval == 0 {
		opts.ProgressInterval = DefaultProgressInterval
	}
	if opts.HandleIdleTimeout == 0 {
		opts.HandleIdleTimeout = DefaultHandleIdleTimeout
	}
	if opts.MaxResourceBytes <= 0 {
		opts.MaxResourceBytes = DefaultMaxResourceBytes
	}
	if opts.MaxHandles == 0 {
		opts.MaxHandles = DefaultMaxHandles
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Instructions == "" {
		opts.Instructions = defaultInstructions
	}
	return opts
}

const defaultInstructions = "Runs code in an isolated sandbox (Azure Container Apps dynamic sessions). " +
	"Files live in /mnt/data; variables, files and installed packages persist between calls of one conversation. " +
	"Call new_session and pass its handle as `session` to keep separate conversations apart."

// MCPServer returns the underlying SDK server, for callers that connect their
// own transports (mcp.NewInMemoryTransports, say) with its Connect or Run
// methods. Each connection gets its own sandbox, deleted when it ends.
func (s *Server) MCPServer() *mcp.Server { return s.mcp }

// Toolkit returns the toolkit behind the tools, for hosts that also call
// it from Go. Its sessions are the server's: Close deletes them too.
func (s *Server) Toolkit() *agenttool.Toolkit { return s.toolkit }

// Run serves one connection over t (an IOTransport on os.Stdin and
// os.Stdout, say) until the client ends it or ctx is done, then deletes the
// connection's sandbox and returns. When ctx ends, or an IOTransport's
// input ends (the client's stdio shutdown), the connection's calls in
// progress are stopped (their clients get an isError result) rather than
// waited for. Sandboxes of handles stay until their idle timeout or Close.
// Over an IOTransport those results reach the client before the connection
// closes; over other transports the SDK's close may drop them.
func (s *Server) Run(ctx context.Context, t mcp.Transport) error {
	rt := &runTransport{Transport: t}
	ss, err := s.mcp.Connect(ctx, rt, nil)
	if err != nil {
		return fmt.Errorf("mcpserver: %w", err)
	}
	conn := s.connection(ss)
	ended := make(chan error, 1)
	go func() { ended <- ss.Wait() }()
	select {
	case err = <-ended:
	case <-rt.conn.inputEnd():
		// The client closed its input (stdio's shutdown): stop the calls in
		// progress as a shutdown does. The connection passes the end on to
		// the SDK, which closes, once they are answered.
		conn.end(errShuttingDown)
		err = <-ended
	case <-ctx.Done():
		// The SDK's Close waits for the calls in progress: end them
		// first, or a shutdown waits for the longest run. It also writes
		// no response once it starts: let the stopped calls answer.
		conn.end(errShuttingDown)
		rt.conn.waitAnswered(context.Background())
		_ = ss.Close()
		<-ended
		err = ctx.Err()
	}
	s.endSession(context.WithoutCancel(ctx), ss)
	// The goroutine that watches the connection ends its session too, and
	// only one of the two deletes the sandbox: wait for the other, so that
	// Run returns once it is deleted, whichever did it.
	<-conn.sessionEnded
	return err
}

// runTransport is the transport Run serves, an IOTransport's connection
// kept so that a shutdown can wait for the answers to the calls it stops.
// Other connections pass unwrapped: the SDK looks for methods a wrapper
// would hide (mcp.IOTransport's learns the protocol version that way), and
// the transport's own SupportsProtocolVersion is passed on.
type runTransport struct {
	mcp.Transport
	conn *cancelAwareConn // set by Connect for an IOTransport; else nil
}

// Connect implements mcp.Transport.
func (t *runTransport) Connect(ctx context.Context) (mcp.Connection, error) {
	c, err := t.Transport.Connect(ctx)
	if cc, ok := c.(*cancelAwareConn); ok {
		t.conn = cc
	}
	return c, err
}

// SupportsProtocolVersion implements mcp.ProtocolVersionSupporter for a
// transport that does (the SDK's HTTP transports), which the wrapper would
// otherwise hide: the SDK advertises only the versions it says it serves.
func (t *runTransport) SupportsProtocolVersion(version string) bool {
	p, ok := t.Transport.(mcp.ProtocolVersionSupporter)
	return !ok || p.SupportsProtocolVersion(version)
}

// Close stops the calls in progress (their clients get an isError result
// saying the server is shutting down), deletes every sandbox the server
// made and stops its background work. Calls after Close fail. Close waits
// for the deletions, within ctx.
func (s *Server) Close(ctx context.Context) error {
	s.closeOnce.Do(func() {
		// Calls in progress end first: each holds its session's turn,
		// which deleting the sandbox waits for.
		s.endAllCalls(errShuttingDown)
		close(s.stopSweep)
		<-s.sweepDone
		s.sessions.close()
		s.closeErr = s.toolkit.Close(ctx)
		if s.closeErr != nil {
			s.log.Warn("deleting sandboxes at close failed", "error", safeError(s.closeErr))
		}
	})
	return s.closeErr
}

// sweepLoop deletes the sandboxes of idle handles until Close.
func (s *Server) sweepLoop() {
	defer close(s.sweepDone)
	if s.opts.HandleIdleTimeout < 0 {
		<-s.stopSweep
		return
	}
	every := min(s.opts.HandleIdleTimeout/4, time.Minute)
	t := time.NewTicker(max(every, time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-s.stopSweep:
			return
		case now := <-t.C:
			s.sweep(now.Add(-s.opts.HandleIdleTimeout))
		}
	}
}

// sweep deletes the sandbox of every handle not used since before cutoff.
func (s *Server) sweep(cutoff time.Time) {
	for _, h := range s.sessions.idleHandles(cutoff) {
		s.closeIdle(h)
	}
}

// closeIdle deletes the sandbox of a handle the sweep took, then lets the
// calls on the handle that waited for it go on.
func (s *Server) closeIdle(h idleHandle) {
	defer s.sessions.sweptDone(h)
	id := h.session.Identifier() // Close moves the session to a new one
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := h.session.Close(ctx); err != nil {
		s.log.Warn("deleting an idle handle's sandbox failed", "session", id, "error", safeError(err))
		return
	}
	s.log.Info("deleted an idle handle's sandbox", "session", id)
}

// endSession deletes the sandbox of an MCP session that ended.
func (s *Server) endSession(ctx context.Context, ss *mcp.ServerSession) {
	sess := s.sessions.forget(ss)
	if sess == nil {
		return
	}
	id := sess.Identifier() // Close moves the session to a new one
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := sess.Close(ctx); err != nil {
		s.log.Warn("deleting the sandbox of an ended MCP session failed", "session", id, "error", safeError(err))
		return
	}
	s.log.Info("MCP session ended; sandbox deleted", "session", id)
}
