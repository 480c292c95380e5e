// Package server is the emulator's HTTP engine: it serves the dynamic
// sessions data-plane contract (docs/emulator.md) on top of a runtime.Factory
// that runs the code. It owns routing, authentication, the session store,
// files, executions, errors and headers; the public emulator package and the
// azsessions-emulator command wrap it.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// Pool types a Server can emulate.
const (
	PoolTypePython = "python"
	PoolTypeShell  = "shell"
)

// Defaults applied by New to zero Config fields.
const (
	DefaultCooldown                = 300 * time.Second
	DefaultMaxSessions             = 100
	DefaultMaxUploadBytes          = 128 * 1024 * 1024
	DefaultExecutionTimeout        = 120 * time.Second
	DefaultMaxExecutionTimeout     = 220 * time.Second
	DefaultOutputStreamsMaxLength  = 4096
	DefaultPoolName                = "emulator"
	DefaultListPageSize            = 300
	DefaultFilesPageSize           = 1000
	DefaultExecutionHistory        = 100
	DefaultExecutionHistoryBytes   = 64 << 20
	defaultJanitorInterval         = time.Second
	defaultRetryAfterTooManyInSecs = "5"
)

// Config configures a Server. The zero value is a Python pool with the
// service's limits, accepting any non-empty bearer token.
type Config struct {
	// PoolType is PoolTypePython (default) or PoolTypeShell.
	PoolType string
	// Token, when set, is the only bearer token accepted; otherwise any
	// non-empty bearer token is.
	Token string
	// Cooldown is how long a session may stay idle before it is deleted with
	// its process and files (default 300 s).
	Cooldown time.Duration
	// JanitorInterval is how often idle sessions are looked for (default 1 s,
	// or Cooldown/2 when that is shorter). Tests set it to milliseconds.
	JanitorInterval time.Duration
	// MaxSessions caps live sessions; allocating one more answers 429
	// (default 100).
	MaxSessions int
	// ReadySessions is how many interpreters the built-in runtime keeps
	// started ahead of demand. Ignored when Factory is set.
	ReadySessions int
	// MaxUploadBytes is the largest file an upload may carry; larger ones
	// answer 413 (default 128 MiB, the service's limit).
	MaxUploadBytes int64
	// DefaultExecutionTimeout applies when a request has no timeoutInSeconds
	// (default 120 s).
	DefaultExecutionTimeout time.Duration
	// MaxExecutionTimeout caps timeoutInSeconds (default 220 s, the
	// platform's cap).
	MaxExecutionTimeout time.Duration
	// Python is the interpreter of the built-in Python runtime, a path or a
	// name looked up in PATH (default "python3"). Cells run through IPython
	// when it can import IPython. Ignored when Factory is set.
	Python string
	// PythonKernel is runtime.KernelPlain or runtime.KernelIPython to insist
	// on one kernel; empty uses IPython when Python can import it. Ignored
	// when Factory is set.
	PythonKernel string
	// MemoryLimitBytes caps an interpreter's memory in the built-in runtime;
	// zero means the runtime's default. Ignored when Factory is set.
	MemoryLimitBytes int64
	// PoolName names the pool in stopSession's answer (default "emulator").
	PoolName string
	// ListPageSize is the page size of the session lists (default 300).
	ListPageSize int
	// FilesPageSize is the page size of file lists (default 1000).
	FilesPageSize int
	// BodyReadTimeout is how long a request body may send nothing before
	// the connection is closed (default 60 s). It bounds a stalled upload
	// without bounding a slow one that keeps sending.
	BodyReadTimeout time.Duration
	// AnswerWriteTimeout is how long a client may take to receive each
	// 256 KiB of an answer before the connection is closed (default 60 s):
	// a client that stops reading a download no longer holds the request,
	// its session and its file, and a slow one that keeps reading is
	// never cut.
	AnswerWriteTimeout time.Duration
	// ExecutionHistory is how many finished executions per session stay
	// readable with GET /executions/{id} (default 100).
	ExecutionHistory int
	// ExecutionHistoryBytes bounds the output (stdout, stderr, value) that
	// a session's finished executions keep for GET /executions/{id}: past
	// it the oldest are forgotten, though never the newest (default 64 MiB).
	ExecutionHistoryBytes int64
	// Root is the directory that holds the sessions' file areas. Default: a
	// fresh temporary directory, removed by Close. When set, Close removes
	// only what the server created in it.
	Root string
	// Log receives one line per request (method, path, status, duration);
	// nil disables logging. Code, file contents, tokens and query strings
	// are never logged. Lines are written from a goroutine of the
	// server's own, possibly after the request's answer; Close waits a
	// moment for the last ones (see requestLogger).
	Log io.Writer
	// Factory runs the code. Nil builds the built-in runtime for PoolType.
	// The Server closes the Factory in Close either way.
	Factory runtime.Factory
}

// Server serves the data-plane contract. Create it with New; it is an
// http.Handler safe for concurrent use. Close releases everything.
type Server struct {
	cfg       Config
	factory   runtime.Factory
	rootDir   string // holds one directory per session
	ownedRoot string // removed by Close ("" when Config.Root was given)
	started   time.Time
	logger    *requestLogger

	store      *store
	routeTable []route

	// bgMu orders starting background goroutines against Close, so that no
	// bg.Add happens once Close has begun to wait.
	bgMu sync.Mutex

	// ctx is cancelled by Close; executions and allocations derive from it.
	ctx    context.Context
	cancel context.CancelFunc
	// bg counts background goroutines (executions, janitor) Close waits for.
	bg sync.WaitGroup

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error

	info infoCache

	// queueLimit bounds what one session's waiting executions hold
	// (execqueue.go); New sets it, tests lower it.
	queueLimit queueLimit

	// releases counts the replaced files being freed in the background
	// (see releaseReplaced), so that tests can wait for them; Close waits
	// for them through bg, like any background work.
	releases sync.WaitGroup

	// stats counts I/O calls, so that tests can check the buffering.
	stats struct {
		bodyReads atomic.Int64 // reads of request bodies
		// answerSteps counts the moves of answers' write deadlines.
		answerSteps atomic.Int64
		described   atomic.Int64 // entries file listings described (stat)
		fileWrites  atomic.Int64 // writes of uploaded files
		reserved    atomic.Int64 // uploads whose disk was reserved up front
		released    atomic.Int64 // replaced files freed after the answer
	}
}

// New returns a Server for cfg. It creates the file-area root and, when
// cfg.Factory is nil, starts the built-in runtime.
func New(cfg Config) (*Server, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, started: time.Now().UTC()}
	parent := cfg.Root
	if parent == "" {
		parent = os.TempDir()
	}
	// Areas left by emulators that died without Close (kill -9, a panic).
	// The in-process emulator's socket directories are in the temporary
	// directory whatever the root, so it is swept too.
	removeStaleAreas(parent)
	if tmp := os.TempDir(); parent != tmp {
		removeStaleAreas(tmp)
	}
	dir, err := os.MkdirTemp(parent, areaPrefix)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.ownedRoot, s.rootDir = dir, dir
	if cfg.Root == "" {
		s.rootDir = filepath.Join(dir, "sessions")
	}
	if err := markOwner(dir); err != nil {
		_ = os.RemoveAll(s.ownedRoot)
		return nil, fmt.Errorf("server: %w", err)
	}
	if err := os.MkdirAll(s.rootDir, 0o700); err != nil {
		_ = os.RemoveAll(s.ownedRoot)
		return nil, fmt.Errorf("server: %w", err)
	}
	s.factory = cfg.Factory
	if s.factory == nil {
		f, err := newBuiltinFactory(cfg)
		if err != nil {
			_ = os.RemoveAll(s.ownedRoot)
			return nil, err
		}
		s.factory = f
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.logger = newRequestLogger(cfg.Log)
	s.store = newStore(s)
	s.queueLimit = queueLimit{executions: maxWaitingExecutions, codeBytes: maxWaitingCodeBytes}
	s.routeTable = s.routes()
	s.startJanitor()
	return s, nil
}

// setDefaults refuses a config no default can fix, then fills every unset
// (zero or negative) field with its default.
func (c *Config) setDefaults() error {
	if err := c.validate(); err != nil {
		return err
	}
	if c.PoolType == "" {
		c.PoolType = PoolTypePython
	}
	if c.PoolName == "" {
		c.PoolName = DefaultPoolName
	}
	c.Cooldown = positiveOr(c.Cooldown, DefaultCooldown)
	if c.JanitorInterval <= 0 {
		// At least two sweeps per cooldown, so an idle session is removed
		// at most half a cooldown late.
		c.JanitorInterval = positiveOr(min(defaultJanitorInterval, c.Cooldown/2), time.Millisecond)
	}
	c.MaxSessions = positiveOr(c.MaxSessions, DefaultMaxSessions)
	c.MaxUploadBytes = positiveOr(c.MaxUploadBytes, DefaultMaxUploadBytes)
	c.MaxExecutionTimeout = positiveOr(c.MaxExecutionTimeout, DefaultMaxExecutionTimeout)
	c.DefaultExecutionTimeout = min(positiveOr(c.DefaultExecutionTimeout, DefaultExecutionTimeout), c.MaxExecutionTimeout)
	c.ListPageSize = positiveOr(c.ListPageSize, DefaultListPageSize)
	c.FilesPageSize = positiveOr(c.FilesPageSize, DefaultFilesPageSize)
	c.ExecutionHistory = positiveOr(c.ExecutionHistory, DefaultExecutionHistory)
	c.ExecutionHistoryBytes = positiveOr(c.ExecutionHistoryBytes, DefaultExecutionHistoryBytes)
	c.BodyReadTimeout = positiveOr(c.BodyReadTimeout, DefaultBodyReadTimeout)
	c.AnswerWriteTimeout = positiveOr(c.AnswerWriteTimeout, DefaultAnswerWriteTimeout)
	return nil
}

// validate reports the fields whose value has no sensible reading.
func (c *Config) validate() error {
	switch c.PoolType {
	case "", PoolTypePython, PoolTypeShell:
	default:
		return fmt.Errorf("server: unknown pool type %q (want %q or %q)", c.PoolType, PoolTypePython, PoolTypeShell)
	}
	if c.ReadySessions < 0 {
		return errors.New("server: ReadySessions must not be negative")
	}
	return nil
}

// positiveOr returns v when it is set (positive), and def otherwise.
func positiveOr[T int | int64 | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// ServeHTTP serves one request of the data-plane contract.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	read := progressDeadline{timeout: s.cfg.BodyReadTimeout, set: rc.SetReadDeadline, moves: &s.stats.bodyReads}
	write := progressDeadline{timeout: s.cfg.AnswerWriteTimeout, set: rc.SetWriteDeadline, moves: &s.stats.answerSteps}
	// Every write of the answer moves the write deadline first (the one
	// the body's first read set may have passed while the handler ran an
	// execution; net/http clears it between requests), and so
	// does net/http's own "100 Continue" (progressBody). This one, run
	// last, covers what net/http writes after the handler returns: the
	// rest of the answer it holds, the header of one without a body.
	defer write.extend()
	answering := withProgressDeadline(r, read, write)
	defer answering()
	lw := s.logger.wrap(&progressWriter{ResponseWriter: w, deadline: write}, answering)
	defer s.logger.done(lw, r)
	if s.closed.Load() {
		writeError(lw, errShuttingDown())
		return
	}
	s.dispatch(lw, r)
}

// Close deletes every session (killing its processes and removing its
// files), stops the janitor, waits for background executions, closes the
// Factory, removes the file-area root and waits a moment for the request
// log's last lines to be written. It is idempotent; requests after
// Close answer 503.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.bgMu.Lock()
		s.closed.Store(true)
		s.bgMu.Unlock()
		s.cancel()
		errs := []error{s.store.closeAll()}
		s.bg.Wait()
		errs = append(errs, s.factory.Close())
		if s.ownedRoot != "" {
			errs = append(errs, removeTree(s.ownedRoot))
		}
		// The last requests' lines, unless the log's writer is blocked.
		s.logger.flush(logCloseGrace)
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// goBackground runs f in a goroutine Close waits for. It reports false,
// without running f, once Close has begun.
func (s *Server) goBackground(f func()) bool {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.closed.Load() {
		return false
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		f()
	}()
	return true
}

// Config returns the configuration in effect, defaults applied.
func (s *Server) Config() Config { return s.cfg }
