package runtime

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// defaultTimeout is the service container's default execution timeout.
const defaultTimeout = 120 * time.Second

// PythonOptions configures NewPython. The zero value is usable.
type PythonOptions struct {
	// Python is the interpreter to run, a path or a name looked up in PATH.
	// NewPython runs it once to learn the real executable (sys.executable),
	// so a launcher shim such as pyenv's is not paid for on every start.
	// Default "python3".
	Python string
	// ReadySessions is how many interpreters the factory keeps started and
	// waiting, so NewSession does not wait for one to start (a fork of the
	// zygote, or a new Python). One taken is replaced in the background.
	// Zero keeps none.
	ReadySessions int
	// MemoryLimitBytes caps each interpreter's address space (RLIMIT_AS,
	// set inside the child as it starts; inherited by its subprocesses).
	// Code that exhausts it ends with OutcomeMemoryAborted. Zero: no limit.
	MemoryLimitBytes int64
	// DefaultTimeout applies when Request.Timeout is zero. Default 120 s.
	DefaultTimeout time.Duration
	// Kernel chooses how cells run: KernelAuto (the default) runs them
	// through IPython when the interpreter can import it and through the
	// plain driver otherwise; KernelIPython requires IPython (interpreters
	// fail to start without it); KernelPlain never uses it.
	Kernel string

	// spawn starts every interpreter as a Python process of its own,
	// never forked by a zygote (tests of that path).
	spawn bool
}

// Kernels of PythonOptions.Kernel.
const (
	KernelAuto    = ""
	KernelIPython = "ipython"
	KernelPlain   = "plain"
)

// PythonFactory hands out Python sessions: one long-lived interpreter per
// session, in which variables and imports persist between executions as
// in the service's Jupyter kernel. On Linux a fork server (zygote), one
// Python process per factory that has loaded the driver (and IPython),
// forks each interpreter in milliseconds; elsewhere, or when the zygote
// cannot run, each interpreter is a Python process of its own. What a
// session's Execute does:
//
//   - Value: when the cell ends in an expression, Present with its repr();
//     Native holds JSON for an exact bool, int, finite float or str. A value
//     of None reports IsNone, except from a trailing call (print(...),
//     plt.show()), which, like a statement, reports nothing. A trailing ';'
//     hides the value, as in IPython. plt.show() renders the open figures
//     and closes them, as the service's inline backend does (figures.py);
//     a figure still open after the cell is rendered then. The Image of a
//     successful cell is the last image it showed, displayed or left open
//     (docs/emulator.md); all figures are closed after every cell.
//   - Streams: everything written to fd 1 and 2, by Python or by
//     subprocesses, in order; capped at Request.MaxOutput characters each.
//   - Failures: an exception (SystemExit too) gives OutcomeFailed with its
//     traceback appended to stderr; the interpreter and its state live on.
//     MemoryError gives OutcomeMemoryAborted, state kept; so does abort()
//     when a memory limit is set, with a fresh interpreter next time. A
//     timeout kills the interpreter (OutcomeTimedOut); any other death
//     gives OutcomeKernelRestarted. After a kill or death the next Execute
//     runs in a fresh interpreter on the same dir, like a restarted kernel.
//   - UseEmptyKernel: the cell runs in a new, empty namespace that is
//     dropped afterwards; the session's variables are neither visible nor
//     changed. Imported modules, the working directory and files are
//     process state and are shared.
//   - /mnt/data: the session dir is the working directory, and paths equal
//     to /mnt/data or under /mnt/data/ given to open, io.open and the os and
//     os.path file functions are rewritten to it, which pathlib, glob,
//     shutil and pandas pick up. It is a convenience for unmodified code,
//     not a security boundary: C extensions and subprocesses see the real
//     file system.
type PythonFactory struct {
	cfg        interpConfig
	ipythonDir string // removed by Close
	gate       *startGate
	zygotes    *forkServer
	// forks and spawns count the interpreters started each way.
	forks, spawns  atomic.Int64
	defaultTimeout time.Duration
	want           int

	// ctx is cancelled by Close and stops start-ups running in the background.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // background start-ups

	mu       sync.Mutex
	ready    []*interp // started, not yet bound; oldest first
	starting int
	closed   bool
	// waiters are the requests waiting for an interpreter with none
	// ready, oldest first (awaitInterp).
	waiters []*interpWaiter

	closeOnce sync.Once

	infoMu sync.Mutex
	info   *Info // cached once computed
}

var _ Factory = (*PythonFactory)(nil)

// NewPython returns a factory running opts.Python, and starts the ready
// interpreters in the background. It fails if the interpreter cannot be
// found or run.
func NewPython(opts PythonOptions) (*PythonFactory, error) {
	if opts.Python == "" {
		opts.Python = "python3"
	}
	if opts.ReadySessions < 0 || opts.MemoryLimitBytes < 0 || opts.DefaultTimeout < 0 {
		return nil, errors.New("runtime: negative PythonOptions value")
	}
	switch opts.Kernel {
	case KernelAuto, KernelIPython, KernelPlain:
	default:
		return nil, fmt.Errorf("runtime: unknown PythonOptions.Kernel %q (want %q, %q or empty)", opts.Kernel, KernelIPython, KernelPlain)
	}
	python, err := resolvePython(opts.Python)
	if err != nil {
		return nil, err
	}
	if opts.DefaultTimeout == 0 {
		opts.DefaultTimeout = defaultTimeout
	}
	// IPython keeps its profile and caches here, not in the user's home.
	ipythonDir, err := os.MkdirTemp("", "azsessions-ipython-")
	if err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cfg := interpConfig{
		python:   python,
		memLimit: opts.MemoryLimitBytes,
		kernel:   opts.Kernel,
		env:      []string{"IPYTHONDIR=" + ipythonDir},
	}
	gate := newStartGate()
	f := &PythonFactory{
		ipythonDir:     ipythonDir,
		gate:           gate,
		cfg:            cfg,
		zygotes:        newForkServer(ctx, cfg, gate, !opts.spawn),
		defaultTimeout: opts.DefaultTimeout,
		want:           opts.ReadySessions,
		ctx:            ctx,
		cancel:         cancel,
	}
	f.refill()
	return f, nil
}

// resolvePython returns the absolute path of the executable that name runs.
func resolvePython(name string) (string, error) {
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("runtime: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-c", "import sys; print(sys.executable)")
	cmd.Dir = "/"
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("runtime: run %s: %w", path, err)
	}
	if exe := strings.TrimSpace(string(out)); filepath.IsAbs(exe) {
		return exe, nil
	}
	// sys.executable can be empty in embedded setups; use what PATH gave.
	return filepath.Abs(path)
}

// NewSession returns a session whose interpreter works in dir (which must
// exist) and sees dir as /mnt/data. started is false when a ready
// interpreter was used.
func (f *PythonFactory) NewSession(ctx context.Context, dir string) (Session, bool, error) {
	dir, err := openSessionDir(&f.mu, &f.closed, dir)
	if err != nil {
		return nil, false, err
	}
	ip, started, err := f.interpFor(ctx, dir)
	if err != nil {
		return nil, false, err
	}
	return &pythonSession{f: f, dir: dir, ip: ip}, started, nil
}

// interpFor returns an interpreter bound to dir: a ready one if there is
// one, else a fresh one (started true): its own, or one a refill of the
// ready pool finished while it waited (see awaitInterp). Sessions also use
// it to replace an interpreter that died, even after Close (then always
// its own).
func (f *PythonFactory) interpFor(ctx context.Context, dir string) (*interp, bool, error) {
	for {
		ip, from, err := f.nextInterp(ctx)
		if err != nil {
			return nil, false, err
		}
		err = ip.bind(ctx, dir)
		if err == nil {
			return ip, from != fromReady, nil
		}
		ip.shutdown()
		if from == fromOwnStart || ctx.Err() != nil {
			return nil, false, err
		}
		// One started for the pool died while waiting; try the next.
	}
}

// gateErr wraps the error of a wait at the gate that ended first.
func (f *PythonFactory) gateErr(err error) error {
	return fmt.Errorf("runtime: waiting to start %s: %w", f.cfg.python, err)
}

// startAcquired starts an interpreter; the caller holds a slot of the
// gate, and releases it after. The zygote forks it where there is one;
// otherwise, or if the fork fails, Python is spawned.
func (f *PythonFactory) startAcquired(ctx context.Context) (*interp, error) {
	if z := f.zygotes.get(ctx); z != nil {
		ip, err := startInterp(ctx, f.cfg, func() (*interp, error) { return forkInterp(ctx, z, f.cfg) })
		if err == nil {
			f.forks.Add(1)
			return ip, nil
		}
		if ctx.Err() != nil {
			return nil, err
		}
		// A zygote that failed is replaced; one whose child failed (its
		// start-up, say) is kept, and this start spawns.
		if z.gone() {
			f.zygotes.drop(z)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("runtime: start %s: %w", f.cfg.python, err)
	}
	f.spawns.Add(1)
	return startInterp(ctx, f.cfg, func() (*interp, error) { return launchInterp(f.cfg) })
}

// takeReady pops the oldest ready interpreter, if any, and starts its
// replacement.
func (f *PythonFactory) takeReady() *interp {
	f.mu.Lock()
	ip := f.popReadyLocked()
	f.mu.Unlock()
	f.refill()
	return ip
}

// popReadyLocked pops the oldest ready interpreter, nil if there is none.
// f.mu is held.
func (f *PythonFactory) popReadyLocked() *interp {
	if len(f.ready) == 0 {
		return nil
	}
	ip := f.ready[0]
	f.ready = f.ready[1:]
	return ip
}

// refill starts interpreters in the background until ready plus starting
// reaches ReadySessions. A failed start is not retried until the next
// NewSession, so a broken Python does not spin.
func (f *PythonFactory) refill() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for !f.closed && len(f.ready)+f.starting < f.want {
		f.starting++
		f.wg.Add(1)
		go f.startReady()
	}
}

// startReady starts an interpreter for the pool, after the starts that
// requests wait for (the gate's background), and hands it to the oldest
// request waiting for one, if any, before it gives up its slot: that
// request then leaves the gate's queue without a start of its own.
func (f *PythonFactory) startReady() {
	defer f.wg.Done()
	if err := f.gate.acquire(f.ctx, false); err != nil {
		f.mu.Lock()
		f.starting--
		f.mu.Unlock()
		return
	}
	ip, err := f.startAcquired(f.ctx)
	f.mu.Lock()
	f.starting--
	handed := false
	if err == nil && !f.closed {
		handed = f.handOnLocked(ip)
		ip = nil
	}
	f.mu.Unlock()
	f.gate.release()
	if ip != nil {
		ip.shutdown()
	}
	if handed {
		// The pool is still short of the one a request took.
		f.refill()
	}
}

// readyCount reports how many interpreters are ready (for tests).
func (f *PythonFactory) readyCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.ready)
}

// Close kills the ready interpreters and stops the background start-ups.
// Sessions already handed out keep running until their own Close.
func (f *PythonFactory) Close() error {
	f.closeOnce.Do(func() {
		f.mu.Lock()
		f.closed = true
		ready := f.ready
		f.ready = nil
		f.mu.Unlock()
		f.cancel()
		for _, ip := range ready {
			ip.g.kill(killedClosed)
		}
		for _, ip := range ready {
			ip.shutdown()
		}
		f.wg.Wait()
		// After the ready interpreters: the zygote reaps those it forked.
		f.zygotes.close()
		_ = os.RemoveAll(f.ipythonDir)
	})
	return nil
}

//go:embed info.py
var infoSource string

// Info reports the Python version and the installed distributions. It runs
// Python once; the answer is cached for the factory's life.
func (f *PythonFactory) Info(ctx context.Context) (Info, error) {
	f.infoMu.Lock()
	defer f.infoMu.Unlock()
	if f.info != nil {
		return *f.info, nil
	}
	cmd := exec.CommandContext(ctx, f.cfg.python, "-X", "utf8", "-c", infoSource)
	cmd.Dir = "/"
	out, err := cmd.Output()
	if err != nil {
		return Info{}, fmt.Errorf("runtime: python info: %w", err)
	}
	var raw struct {
		Version  string      `json:"version"`
		IPython  string      `json:"ipython"`
		Packages [][2]string `json:"packages"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		return Info{}, fmt.Errorf("runtime: python info: %w", err)
	}
	info := Info{
		RuntimeName:    "python",
		RuntimeVersion: raw.Version,
		KernelName:     "python3",
		KernelVersion:  raw.Version,
		Kernel:         KernelPlain,
		KernelDescription: "azsessions emulator Python kernel: one long-lived plain Python " + raw.Version +
			" interpreter per session (IPython is not installed for it), with Jupyter-like last-expression results",
	}
	if raw.IPython != "" && f.cfg.kernel != KernelPlain {
		info.Kernel = KernelIPython
		info.KernelVersion = raw.IPython
		info.KernelDescription = "azsessions emulator Python kernel: IPython " + raw.IPython +
			" InteractiveShell on Python " + raw.Version + ", one per session"
	}
	for _, p := range raw.Packages {
		info.Packages = append(info.Packages, Package{Name: p[0], Version: p[1]})
	}
	f.info = &info
	return info, nil
}
