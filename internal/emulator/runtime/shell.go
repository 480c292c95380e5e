package runtime

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// defaultShellTimeout is the shell image's default execution timeout.
const defaultShellTimeout = 180 * time.Second

// ShellOptions configures NewShell. The zero value is usable.
type ShellOptions struct {
	// Bash runs ShellCommand (as bash -c), a path or a name looked up in
	// PATH once, by NewShell. Default "bash".
	Bash string
	// DefaultTimeout applies when Request.Timeout is zero. Default 180 s.
	DefaultTimeout time.Duration
}

// ShellFactory hands out shell sessions. Nothing runs between executions:
// each Execute starts its command in the session dir, so there is nothing
// to keep ready and NewSession always reports started false.
//
// NewShell picks one of two modes, once, by probing the host:
//
//   - Namespace mode (Linux with user namespaces and mount(8)): every
//     execution gets its own user and mount namespace in which the session
//     dir is mounted at /mnt/data, the working directory and HOME are
//     /mnt/data, and the command runs as uid 0 of that namespace (id -u
//     prints 0, as in the service's sandbox; on the host its files belong
//     to the emulator's user). Paths like /mnt/data/in.txt work as on the
//     service, and no session sees another's files there. Nothing changes
//     on the host: the mounts live and die with the execution. Where the
//     host allows it (pid mode, the usual case), the execution also gets a
//     PID namespace whose init runs the command as its child; when the
//     init ends, by the command's exit, a kill, or the emulator's death
//     (its parent-death signal), the kernel kills every process left in
//     the namespace, whatever it did to escape (see nsPrelude).
//   - Cwd-only mode (the fallback: not Linux, user namespaces disabled by
//     sysctl, seccomp or AppArmor, no mount(8), no /mnt): the command runs
//     with the session dir as working directory and HOME, so relative
//     paths work but absolute /mnt/data paths do not. On Linux with
//     python3 it runs under a supervisor (see shellSup), so that what it
//     starts dies with it and with the emulator there too.
type ShellFactory struct {
	bash           string
	defaultTimeout time.Duration

	// ns is the namespace mode's tools; nil in cwd-only mode, and then
	// nsErr says why the probe failed.
	ns    *nsTools
	nsErr error
	// life is the lifeline of every wrapper.
	life *lifeline
	// sup runs cwd-only commands under a supervisor; nil where there is
	// none (no python3, not Linux). Set once, on first use.
	sup     *shellSup
	supOnce sync.Once

	mu     sync.Mutex
	closed bool
	info   *Info // cached once computed
}

var _ Factory = (*ShellFactory)(nil)

// NewShell returns a shell factory. It fails if bash cannot be found.
func NewShell(opts ShellOptions) (*ShellFactory, error) {
	if opts.Bash == "" {
		opts.Bash = "bash"
	}
	if opts.DefaultTimeout < 0 {
		return nil, errors.New("runtime: negative ShellOptions.DefaultTimeout")
	}
	if opts.DefaultTimeout == 0 {
		opts.DefaultTimeout = defaultShellTimeout
	}
	bash, err := exec.LookPath(opts.Bash)
	if err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	if bash, err = filepath.Abs(bash); err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	life, err := newLifeline()
	if err != nil {
		return nil, fmt.Errorf("runtime: %w", err)
	}
	f := &ShellFactory{bash: bash, defaultTimeout: opts.DefaultTimeout, life: life}
	f.ns, f.nsErr = probeNamespaces(bash, life)
	return f, nil
}

// NewSession returns a session running commands in dir, which must exist.
func (f *ShellFactory) NewSession(ctx context.Context, dir string) (Session, bool, error) {
	dir, err := openSessionDir(&f.mu, &f.closed, dir)
	if err != nil {
		return nil, false, err
	}
	return &shellSession{f: f, dir: dir}, false, nil
}

var bashVersion = regexp.MustCompile(`version (\d+(?:\.\d+)*)`)

// Info reports the bash version; it runs bash once and caches the answer.
func (f *ShellFactory) Info(ctx context.Context) (Info, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.info != nil {
		return *f.info, nil
	}
	out, err := exec.CommandContext(ctx, f.bash, "--version").Output()
	if err != nil {
		return Info{}, fmt.Errorf("runtime: bash --version: %w", err)
	}
	m := bashVersion.FindSubmatch(out)
	if m == nil {
		return Info{}, errors.New("runtime: bash --version: no version in output")
	}
	v := string(m[1])
	f.info = &Info{RuntimeName: "bash", RuntimeVersion: v, KernelName: "bash", KernelVersion: v}
	return *f.info, nil
}

// Close makes NewSession fail; sessions handed out keep working until
// their own Close (the factory owns no processes).
func (f *ShellFactory) Close() error {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	return nil
}

// shellSession runs one command at a time in the session dir.
type shellSession struct {
	f   *ShellFactory
	dir string

	// run serialises executions; Execute holds it throughout.
	run sync.Mutex

	// mu guards cur and closed, so Close can kill a running command.
	mu     sync.Mutex
	cur    *group
	closed bool

	closeOnce sync.Once
}

// Execute runs req.ShellCommand with bash -c, or else req.ExecCommandAndArgs
// without a shell, in the session dir with req.Stdin as standard input and
// HOME set to the dir; in namespace mode (see ShellFactory) the dir is
// /mnt/data and that is the working directory and HOME. The outcome is
// OutcomeSucceeded whatever the exit status (Result.ExitCode; 128+n for a
// command killed by signal n), and OutcomeFailed with exit code 127 (not
// found) or 126 (not runnable) when the command could not be started, in
// every mode; Stderr then holds bash's message (namespace mode, where bash
// execs the program), the supervisor's ("name: reason", cwd-only mode under
// a supervisor) or Go's error (cwd-only mode without one). On timeout the
// command's whole process group is killed. Background processes the command
// leaves behind are killed when it exits: nothing outlives an execution. In
// pid mode nothing outlives the emulator either, however it dies.
// In namespace mode, a failure to set up /mnt/data is an error (the
// command does not run), never a silent run somewhere else.
func (s *shellSession) Execute(ctx context.Context, req Request) (Result, error) {
	s.run.Lock()
	defer s.run.Unlock()
	w := s.f.wrapper()
	cmd, script, err := s.command(req, w)
	if err != nil {
		return Result{}, err
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = s.f.defaultTimeout
	}
	p, err := openExecPipes(cmd, w)
	if err != nil {
		return Result{}, err
	}
	started := time.Now()
	g, res, err := s.launch(cmd, p, w)
	if g == nil {
		return res, err
	}
	defer s.clearCurrent()

	out, errOut := newCapBuffer(req.MaxOutput), newCapBuffer(req.MaxOutput)
	p.transfer(script+req.Stdin, out, errOut)
	waitOrKill(ctx, g, timeout)
	duration := time.Since(started)
	st := p.collect()
	return shellResult(ctx, g, out, errOut, st, duration)
}

// command builds the process for req: bash -c for a shell command, the
// program itself otherwise, run by w (the namespace prelude, or in cwd-only
// mode the supervisor) if any, and in cwd-only mode pointed at the session
// dir. script is what goes to the process's stdin before req.Stdin (see
// bashArgv).
func (s *shellSession) command(req Request, w wrapper) (cmd *exec.Cmd, script string, err error) {
	var argv []string
	switch {
	case strings.ContainsRune(req.ShellCommand, 0):
		// No argument can hold one, and bash's read, which takes a long
		// command (bashArgv), drops NULs without counting them, so it
		// would read on into req.Stdin.
		return nil, "", errors.New("runtime: ShellCommand holds a NUL byte")
	case req.ShellCommand != "":
		argv, script = bashArgv(s.f.bash, req.ShellCommand)
	case len(req.ExecCommandAndArgs) > 0:
		argv = req.ExecCommandAndArgs
	default:
		return nil, "", errors.New("runtime: shell request has neither ShellCommand nor ExecCommandAndArgs")
	}
	switch w := w.(type) {
	case *nsTools:
		return w.command(s.f.bash, s.dir, argv), script, nil
	case *shellSup:
		return w.command(s.dir, argv), script, nil
	}
	cmd = exec.Command(argv[0], argv[1:]...)
	cmd.Dir = s.dir
	cmd.Env = append(os.Environ(), "HOME="+s.dir, "PWD="+s.dir)
	return cmd, script, nil
}

// maxArgLen is the longest string Linux takes as one argument of a
// program (MAX_ARG_STRLEN, 128 KiB with its terminating NUL); a longer
// one fails the exec with E2BIG.
const maxArgLen = 128<<10 - 1

// bashArgv returns the argv that runs command with bash -c. A command too
// long to be one argument (on Linux; the API takes commands up to its body
// limit) is sent ahead of the request's stdin instead, as script: bash
// reads exactly its length in bytes (LC_ALL=C: read -N counts characters
// otherwise), so the user's input stays on stdin, and runs it with eval in
// the same bash, so $0, $#, $$, the exit status and a kill or timeout are
// those of bash -c. Short commands keep bash -c command itself: eval
// differs in small ways (a syntax error reads "eval: line N" instead of
// "-c: line N").
func bashArgv(bash, command string) (argv []string, script string) {
	if len(command) <= maxArgLen || runtime.GOOS != "linux" {
		return []string{bash, "-c", command}, ""
	}
	read := fmt.Sprintf(`LC_ALL=C IFS= read -r -N %d c; eval "unset c;$c"`, len(command))
	return []string{bash, "-c", read}, command
}

// launch starts cmd as the session's current command, so that Close can
// kill it; the closed check and the start share one lock so a Close cannot
// slip between them. When it returns a nil group the command is not
// running and (Result, error) is Execute's answer: ErrClosed, the
// emulator's failure to start the wrapper w, or (no wrapper) a command
// that could not be started, reported as bash would. A supervised command
// is started so that a kill asks its supervisor to kill everything.
func (s *shellSession) launch(cmd *exec.Cmd, p *execPipes, w wrapper) (*group, Result, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		p.closeChildEnds()
		p.closeOwnEnds()
		return nil, Result{}, ErrClosed
	}
	start := startGroup
	if _, ok := w.(*shellSup); ok {
		start = startSupervised
	}
	g, err := start(cmd)
	s.cur = g
	s.mu.Unlock()
	// The child has its copies now (or never will); ours would keep the
	// pipes open past its exit.
	p.closeChildEnds()
	if err == nil {
		return g, Result{}, nil
	}
	p.closeOwnEnds()
	if w != nil {
		// The wrapper (bash in new namespaces, or python3) did not start:
		// the emulator's fault, not the user's program's.
		return nil, Result{}, fmt.Errorf("runtime: start %s: %w", cmd.Path, err)
	}
	return nil, startFailure(err), nil
}

// clearCurrent forgets the finished command, so Close does not kill a
// process group that is gone.
func (s *shellSession) clearCurrent() {
	s.mu.Lock()
	s.cur = nil
	s.mu.Unlock()
}

// waitOrKill returns once g has exited, killing it first if the timeout
// passes or ctx ends; the reason is kept in g for shellResult.
func waitOrKill(ctx context.Context, g *group, timeout time.Duration) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-g.exited:
	case <-timer.C:
		g.kill(killedTimeout)
	case <-ctx.Done():
		g.kill(killedCanceled)
	}
	<-g.exited
}

// shellResult is Execute's answer once g has exited: the exit status
// (128+n for signal n) and output of a command that ran, whatever its
// status; the timeout message; or the error of a canceled, closed or
// (namespace mode) mis-set-up execution.
func shellResult(ctx context.Context, g *group, out, errOut *capBuffer, st nsStatus, duration time.Duration) (Result, error) {
	res := Result{
		Outcome:    OutcomeSucceeded,
		Stdout:     out.String(),
		StdoutFull: out.Full(),
		Stderr:     errOut.String(),
		StderrFull: errOut.Full(),
		ExitCode:   g.state.ExitCode(),
		Duration:   duration,
	}
	if sig, ok := g.signaled(); ok {
		res.ExitCode = 128 + int(sig)
	}
	switch g.killedFor() {
	case killedTimeout:
		res.Outcome = OutcomeTimedOut
		res.Stderr, res.StderrFull = MessageTimedOut, utf8.RuneCountInString(MessageTimedOut)
	case killedCanceled:
		return Result{}, ctx.Err()
	case killedClosed:
		return Result{}, ErrClosed
	default:
		if st.setupErr != nil {
			return Result{}, st.setupErr
		}
		if st.execFail {
			res.Outcome, res.ExitCode = OutcomeFailed, st.code
		}
	}
	return res, nil
}

// startFailure describes a command that could not be started the way bash
// would: 127 when it does not exist, 126 when it cannot be run.
func startFailure(err error) Result {
	code := 126
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
		code = 127
	}
	msg := err.Error()
	return Result{Outcome: OutcomeFailed, Stderr: msg, StderrFull: utf8.RuneCountInString(msg), ExitCode: code}
}

// Close kills a running command (its Execute returns ErrClosed) and makes
// later executions fail. Later calls do nothing.
func (s *shellSession) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		if s.cur != nil {
			s.cur.kill(killedClosed)
		}
		s.mu.Unlock()
		// Wait for the running Execute, if any, to reap its command.
		s.run.Lock()
		defer s.run.Unlock()
	})
	return nil
}
