package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
//     on the host: the mounts live and die with the execution.
//   - Cwd-only mode (the fallback: not Linux, user namespaces disabled by
//     sysctl, seccomp or AppArmor, no mount(8), no /mnt): the command runs
//     with the session dir as working directory and HOME, so relative
//     paths work but absolute /mnt/data paths do not.
type ShellFactory struct {
	bash           string
	defaultTimeout time.Duration

	// ns is the namespace mode's tools; nil in cwd-only mode, and then
	// nsErr says why the probe failed.
	ns    *nsTools
	nsErr error

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
	f := &ShellFactory{bash: bash, defaultTimeout: opts.DefaultTimeout}
	f.ns, f.nsErr = probeNamespaces(bash)
	return f, nil
}

// NewSession returns a session running commands in dir, which must exist.
func (f *ShellFactory) NewSession(ctx context.Context, dir string) (Session, bool, error) {
	f.mu.Lock()
	closed := f.closed
	f.mu.Unlock()
	if closed {
		return nil, false, ErrClosed
	}
	dir, err := sessionDir(dir)
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
// both modes; Stderr then holds Go's error (cwd-only mode) or bash's
// message (namespace mode, where bash execs the program). On timeout the
// command's whole process group is killed. Background processes the command
// leaves behind are killed when it exits: nothing outlives an execution.
// In namespace mode, a failure to set up /mnt/data is an error (the
// command does not run), never a silent run somewhere else.
func (s *shellSession) Execute(ctx context.Context, req Request) (Result, error) {
	s.run.Lock()
	defer s.run.Unlock()
	var argv []string
	switch {
	case req.ShellCommand != "":
		argv = []string{s.f.bash, "-c", req.ShellCommand}
	case len(req.ExecCommandAndArgs) > 0:
		argv = req.ExecCommandAndArgs
	default:
		return Result{}, errors.New("runtime: shell request has neither ShellCommand nor ExecCommandAndArgs")
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = s.f.defaultTimeout
	}
	ns := s.f.ns
	var cmd *exec.Cmd
	if ns != nil {
		cmd = ns.command(s.f.bash, s.dir, argv)
	} else {
		cmd = exec.Command(argv[0], argv[1:]...)
		cmd.Dir = s.dir
		cmd.Env = append(os.Environ(), "HOME="+s.dir, "PWD="+s.dir)
	}

	// stdin, stdout, stderr and, in namespace mode, the prelude's status
	// channel: {read, write}.
	pipes := make([][2]*os.File, 3, 4)
	if ns != nil {
		pipes = pipes[:4]
	}
	for i := range pipes {
		r, w, err := os.Pipe()
		if err != nil {
			for _, p := range pipes[:i] {
				p[0].Close()
				p[1].Close()
			}
			return Result{}, err
		}
		pipes[i] = [2]*os.File{r, w}
	}
	stdinW, outR, errR := pipes[0][1], pipes[1][0], pipes[2][0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pipes[0][0], pipes[1][1], pipes[2][1]
	var statusR *os.File
	if ns != nil {
		statusR = pipes[3][0]
		cmd.ExtraFiles = []*os.File{pipes[3][1]} // fd 3
	}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		for _, p := range pipes {
			p[0].Close()
			p[1].Close()
		}
		return Result{}, ErrClosed
	}
	start := time.Now()
	g, startErr := startGroup(cmd)
	s.cur = g
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.cur = nil
		s.mu.Unlock()
	}()
	pipes[0][0].Close()
	pipes[1][1].Close()
	pipes[2][1].Close()
	if ns != nil {
		pipes[3][1].Close()
	}
	if startErr != nil {
		stdinW.Close()
		outR.Close()
		errR.Close()
		if ns != nil {
			// bash itself, in new namespaces, did not start: the
			// emulator's fault, not the user's program's.
			statusR.Close()
			return Result{}, fmt.Errorf("runtime: start %s in a mount namespace: %w", s.f.bash, startErr)
		}
		return startFailure(startErr), nil
	}

	outBuf, errBuf := newCapBuffer(req.MaxOutput), newCapBuffer(req.MaxOutput)
	outDone, errDone, inDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go drainPipe(outR, outBuf, outDone)
	go drainPipe(errR, errBuf, errDone)
	go func() {
		defer close(inDone)
		// A command that does not read its input gets EPIPE; that is fine.
		_, _ = io.WriteString(stdinW, req.Stdin)
		stdinW.Close()
	}()

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
	duration := time.Since(start)
	// What is in the pipes is read at once; the deadlines only stop a
	// process that escaped the group from holding us.
	deadline := time.Now().Add(drainGrace)
	_ = outR.SetReadDeadline(deadline)
	_ = errR.SetReadDeadline(deadline)
	_ = stdinW.SetWriteDeadline(time.Now())
	<-outDone
	<-errDone
	<-inDone
	outR.Close()
	errR.Close()
	var st nsStatus
	if ns != nil {
		st = readNSStatus(statusR)
	}

	res := Result{
		Outcome:    OutcomeSucceeded,
		Stdout:     outBuf.String(),
		StdoutFull: outBuf.Full(),
		Stderr:     errBuf.String(),
		StderrFull: errBuf.Full(),
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
