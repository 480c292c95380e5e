package runtime

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"
)

// The interpreter's program: the supervisor, the IPython kernel, the
// driver and its matplotlib figures, then a call that runs a session (see
// supervisor.py). A zygote runs the same parts and then its fork server,
// whose children run the session.
var (
	//go:embed supervisor.py
	supervisorSource string
	//go:embed ipython_kernel.py
	ipythonKernelSource string
	//go:embed driver.py
	driverMainSource string
	//go:embed figures.py
	figuresSource string
	//go:embed zygote.py
	zygoteMainSource string

	programParts = supervisorSource + "\n" + ipythonKernelSource + "\n" + driverMainSource + "\n" + figuresSource
	driverSource = programParts + "\n_run_session()\n"
	zygoteSource = programParts + "\n" + zygoteMainSource
)

// startTimeout guards the interpreter's start-up and bind handshakes, which
// take milliseconds; it only exists so a wedged interpreter cannot hang the
// emulator.
const startTimeout = time.Minute

// interpConfig is what every interpreter of a factory is started with.
type interpConfig struct {
	python   string
	memLimit int64
	kernel   string // Kernel* of PythonOptions
	env      []string
}

// interp is one running driver.py process: the Go end of its pipes and the
// goroutines that read them.
type interp struct {
	g        *group
	memLimit bool
	ipython  bool // cells run through IPython's InteractiveShell

	ctrl    *os.File // requests, the driver's fd 3
	replies *os.File // replies, the driver's fd 4
	// lifeline is the write end of the driver's fd 5. Nothing is written;
	// the supervisor takes its end (when the emulator dies, however it
	// dies) as the order to kill the session's processes.
	lifeline *os.File
	// seq is the sequence number of the last request; requests are sent
	// one at a time (start-up, then under the session's run lock).
	seq     uint64
	frames  chan []byte // replies as read; closed when the reply pipe ends
	quit    chan struct{}
	readerD chan struct{} // closed when the reply reader returns

	stdout, stderr *stream
	outR, errR     *os.File

	shutdownOnce sync.Once
}

// startInterp starts an interpreter with launch and waits until the driver
// is ready for requests (not yet bound to a session dir).
func startInterp(ctx context.Context, cfg interpConfig, launch func() (*interp, error)) (*interp, error) {
	ip, err := launch()
	if err != nil {
		return nil, err
	}
	marker := newEndMarker()
	startupErr := ip.readOutput(marker)
	ip.seq++
	rep, err := ip.handshake(ctx, initRequest{Op: "init", Seq: ip.seq, Marker: marker, MemLimit: cfg.memLimit, Kernel: cfg.kernel})
	if err != nil {
		ip.shutdown()
		// Whatever Python printed (a missing module, a bad flag) is the
		// useful part of the error.
		if msg := strings.TrimSpace(startupErr.String()); msg != "" {
			err = fmt.Errorf("%w: %s", err, msg)
		}
		return nil, fmt.Errorf("runtime: start %s: %w", cfg.python, err)
	}
	ip.ipython = rep.Kernel == KernelIPython
	return ip, nil
}

// interpPipes are an interpreter's five pipes: requests (its fd 3),
// replies (fd 4), the lifeline (fd 5), stdout and stderr.
type interpPipes [5][2]*os.File

// childEnds are the interpreter's ends, in the order of the descriptors
// they become: 3, 4, 5, 1, 2 (zygote.py's _FORK_FDS).
func (p *interpPipes) childEnds() []*os.File {
	return []*os.File{p[0][0], p[1][1], p[4][0], p[2][1], p[3][1]}
}

// ownEnds are the emulator's ends.
func (p *interpPipes) ownEnds() []*os.File {
	return []*os.File{p[0][1], p[1][0], p[2][0], p[3][0], p[4][1]}
}

func openInterpPipes() (*interpPipes, error) {
	pairs, err := openPipes(5) // ctrl, replies, stdout, stderr, lifeline
	if err != nil {
		return nil, err
	}
	return (*interpPipes)(pairs), nil
}

// launchInterp starts the interpreter process with its pipes. Nothing
// reads them yet.
func launchInterp(cfg interpConfig) (*interp, error) {
	pipes, err := openInterpPipes()
	if err != nil {
		return nil, err
	}
	cmd := pythonCommand(cfg, driverSource)
	child := pipes.childEnds()
	cmd.ExtraFiles = child[:3] // fd 3, 4, 5
	cmd.Stdout, cmd.Stderr = child[3], child[4]
	cmd.SysProcAttr = supervisorAttr()
	g, startErr := startSupervised(cmd)
	// The child has its own copies of its ends now.
	closeFiles(child)
	if startErr != nil {
		closeFiles(pipes.ownEnds())
		return nil, fmt.Errorf("runtime: start %s: %w", cfg.python, startErr)
	}
	return newInterp(g, cfg, pipes), nil
}

// newInterp is the Go end of an interpreter whose process g runs.
func newInterp(g *group, cfg interpConfig, pipes *interpPipes) *interp {
	return &interp{
		g:        g,
		memLimit: cfg.memLimit > 0,
		ctrl:     pipes[0][1],
		replies:  pipes[1][0],
		lifeline: pipes[4][1],
		frames:   make(chan []byte, 1),
		quit:     make(chan struct{}),
		readerD:  make(chan struct{}),
		outR:     pipes[2][0],
		errR:     pipes[3][0],
	}
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// pythonCommand runs program with the interpreter's flags and environment;
// the caller attaches the descriptors and SysProcAttr.
func pythonCommand(cfg interpConfig, program string) *exec.Cmd {
	// -u: user output reaches the pipes as it is written, in order with what
	// subprocesses write. -X utf8: streams are UTF-8 whatever the locale.
	cmd := exec.Command(cfg.python, "-u", "-X", "utf8", "-c", program)
	cmd.Dir = "/"
	cmd.Env = append(os.Environ(), "MPLBACKEND=Agg", "PYTHONDONTWRITEBYTECODE=1")
	cmd.Env = append(cmd.Env, cfg.env...)
	return cmd
}

// newEndMarker returns the marker the driver writes to stdout and stderr
// after each cell's output. It is random so that user code cannot end a
// cell's output early by printing it.
func newEndMarker() string {
	var token [16]byte
	_, _ = rand.Read(token[:]) // never fails (crypto/rand panics instead)
	return "\x00azsessions-end-" + hex.EncodeToString(token[:]) + "\x00"
}

// readOutput starts the goroutines reading the interpreter's pipes. It
// returns the buffer of what the interpreter writes to stderr before its
// first cell: start-up errors.
func (ip *interp) readOutput(marker string) (startupErr *capBuffer) {
	ip.stdout, _ = newStream(ip.outR, []byte(marker))
	ip.stderr, startupErr = newStream(ip.errR, []byte(marker))
	go ip.readReplies()
	go ip.watchExit()
	return startupErr
}

// readReplies turns the reply pipe into frames.
func (ip *interp) readReplies() {
	defer close(ip.readerD)
	defer close(ip.frames)
	for {
		b, err := readFrame(ip.replies)
		if errors.Is(err, io.EOF) {
			// The interpreter is exiting; give it the time to, so that
			// its supervisor reports how it ended (a signal tells a memory
			// abort from a crash), then make sure it is gone.
			go func() {
				t := time.NewTimer(drainGrace)
				defer t.Stop()
				select {
				case <-ip.g.exited:
				case <-t.C:
					ip.g.kill(notKilled)
				}
			}()
			return
		}
		if err != nil {
			// A frame the protocol cannot take: the interpreter is of no
			// further use.
			ip.g.kill(killedCorrupt)
			return
		}
		select {
		case ip.frames <- b:
		case <-ip.quit:
			return
		}
	}
}

// watchExit bounds the reading of the pipes once the interpreter is gone
// (see drainGrace).
func (ip *interp) watchExit() {
	<-ip.g.exited
	deadline := time.Now().Add(drainGrace)
	for _, f := range []*os.File{ip.replies, ip.outR, ip.errR} {
		_ = f.SetReadDeadline(deadline)
	}
}

// dead reports whether the interpreter process has exited.
func (ip *interp) dead() bool {
	select {
	case <-ip.g.exited:
		return true
	default:
		return false
	}
}

// shutdown kills the interpreter's process group, reaps it and waits for the
// goroutines reading its pipes. It is idempotent; a kill reason recorded
// earlier (timeout, cancel, close) is kept.
func (ip *interp) shutdown() {
	ip.shutdownOnce.Do(func() {
		ip.g.kill(notKilled)
		<-ip.g.exited
		close(ip.quit)
		<-ip.readerD
		<-ip.stdout.finished
		<-ip.stderr.finished
		for _, f := range []*os.File{ip.ctrl, ip.replies, ip.outR, ip.errR, ip.lifeline} {
			f.Close()
		}
	})
}

// handshake sends an init or bind request and waits for its okReply.
func (ip *interp) handshake(ctx context.Context, req any) (okReply, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	var rep okReply
	if err := writeFrame(ip.ctrl, req); err != nil {
		return rep, fmt.Errorf("interpreter gone: %w", err)
	}
	select {
	case b, ok := <-ip.frames:
		if !ok {
			return rep, errors.New("interpreter exited")
		}
		if err := json.Unmarshal(b, &rep); err != nil || rep.Seq != ip.seq {
			ip.g.kill(notKilled)
			return rep, fmt.Errorf("bad driver reply (%v)", err)
		}
		if !rep.OK {
			return rep, errors.New(rep.Error)
		}
		return rep, nil
	case <-ip.g.exited:
		return rep, errors.New("interpreter exited")
	case <-ctx.Done():
		return rep, ctx.Err()
	}
}

// bind makes dir the interpreter's working directory and its /mnt/data.
func (ip *interp) bind(ctx context.Context, dir string) error {
	ip.seq++
	if _, err := ip.handshake(ctx, bindRequest{Op: "bind", Seq: ip.seq, Dir: dir}); err != nil {
		return fmt.Errorf("runtime: bind interpreter to %s: %w", dir, err)
	}
	return nil
}

// execute runs one cell. On timeout, cancellation or death the interpreter
// is shut down before execute returns; the caller replaces it.
func (ip *interp) execute(ctx context.Context, req Request, timeout time.Duration) (Result, error) {
	outBuf, outDone := ip.stdout.begin(req.MaxOutput)
	errBuf, errDone := ip.stderr.begin(req.MaxOutput)
	start := time.Now()
	deadline := start.Add(timeout)
	if !ip.sendCell(req, deadline) {
		return ip.ended(ctx, nil, outBuf, errBuf, start)
	}
	reply, ok := ip.awaitCell(ctx, deadline, outBuf, errBuf, outDone, errDone)
	if !ok {
		return ip.ended(ctx, reply, outBuf, errBuf, start)
	}
	if ip.g.leaderKilled() {
		// The cell killed its supervisor (os.kill(os.getppid(), 9)), which
		// kills the kernel with it (the parent-death signal), and answered
		// before that signal came: the run killed the kernel, and the next
		// one must not be sent to it.
		return ip.ended(ctx, nil, outBuf, errBuf, start)
	}
	return replyResult(reply, outBuf, errBuf), nil
}

// sendCell sends the cell to the driver. It reports false when the driver
// cannot take it: gone, or not reading by the deadline (then it is killed
// for the timeout).
func (ip *interp) sendCell(req Request, deadline time.Time) bool {
	// A large cell does not fit the pipe buffer; the deadline keeps a
	// driver that stopped reading from blocking us past the timeout.
	_ = ip.ctrl.SetWriteDeadline(deadline)
	ip.seq++
	err := writeFrame(ip.ctrl, execRequest{Op: "exec", Seq: ip.seq, Code: req.Code, Empty: req.UseEmptyKernel})
	if errors.Is(err, os.ErrDeadlineExceeded) {
		ip.g.kill(killedTimeout)
	}
	return err == nil
}

// awaitCell waits for the cell's reply and for both streams to reach their
// end marker. It reports false when the interpreter exited or was killed
// first (deadline, cancellation, a frame the driver would never send); the
// reply is then the one that arrived before, if any, for ended.
func (ip *interp) awaitCell(ctx context.Context, deadline time.Time, outBuf, errBuf *capBuffer, outDone, errDone <-chan struct{}) (*execReply, bool) {
	timer := time.NewTimer(time.Until(deadline))
	defer timer.Stop()
	var reply *execReply
	var grace <-chan time.Time
	frames := ip.frames
	for reply == nil || outDone != nil || errDone != nil {
		select {
		case b, ok := <-frames:
			if !ok {
				frames = nil // the process is going; exited follows
				continue
			}
			// A second reply to one request is nothing the driver sends,
			// so the interpreter can no longer be trusted.
			if reply != nil {
				ip.g.kill(killedCorrupt)
				return nil, false
			}
			if reply = ip.decodeReply(b); reply == nil {
				ip.g.kill(killedCorrupt)
				return nil, false
			}
			if !reply.StdoutMarked || !reply.StderrMarked {
				// The code closed fd 1 or 2, so no marker will come. What
				// it wrote before is still in the pipe: wait for the end
				// of the pipe, or a grace period if a subprocess holds it.
				grace = time.After(drainGrace)
			}
		case <-grace:
			if !reply.StdoutMarked {
				ip.stdout.abandon(outBuf)
			}
			if !reply.StderrMarked {
				ip.stderr.abandon(errBuf)
			}
		case <-outDone:
			outDone = nil
		case <-errDone:
			errDone = nil
		case <-ip.g.exited:
			return reply, false
		case <-timer.C:
			ip.g.kill(killedTimeout)
			return reply, false
		case <-ctx.Done():
			ip.g.kill(killedCanceled)
			return reply, false
		}
	}
	return reply, true
}

// decodeReply parses b as the reply to the cell just sent. It returns nil
// for a stray or forged frame (user code wrote to the protocol), which must
// never be taken as this cell's answer.
func (ip *interp) decodeReply(b []byte) *execReply {
	var reply execReply
	if err := json.Unmarshal(b, &reply); err != nil || reply.Seq != ip.seq {
		return nil
	}
	return &reply
}

// ended builds the result of an execution whose interpreter is gone or
// being killed. Stdout keeps what the code printed before the end.
func (ip *interp) ended(ctx context.Context, reply *execReply, outBuf, errBuf *capBuffer, start time.Time) (Result, error) {
	ip.shutdown()
	res := Result{Stdout: outBuf.String(), StdoutFull: outBuf.Full(), Duration: time.Since(start)}
	fail := func(o Outcome, msg string) (Result, error) {
		res.Outcome, res.Stderr, res.StderrFull = o, msg, utf8.RuneCountInString(msg)
		return res, nil
	}
	switch ip.g.killedFor() {
	case killedTimeout:
		return fail(OutcomeTimedOut, MessageTimedOut)
	case killedCanceled:
		return Result{}, ctx.Err()
	case killedClosed:
		return Result{}, ErrClosed
	}
	if reply != nil && reply.Status != "" {
		// The execution finished and the process died right after (a
		// background thread called os._exit): report the execution.
		return replyResult(reply, outBuf, errBuf), nil
	}
	if sig, ok := ip.g.signaled(); ok && sig == syscall.SIGABRT && ip.memLimit {
		// Allocation failures the interpreter cannot turn into MemoryError
		// end in abort().
		return fail(OutcomeMemoryAborted, MessageMemoryAborted)
	}
	return fail(OutcomeKernelRestarted, MessageKernelRestarted)
}

// replyResult turns the driver's reply into a Result.
func replyResult(reply *execReply, outBuf, errBuf *capBuffer) Result {
	res := Result{
		Outcome:    OutcomeSucceeded,
		Stdout:     outBuf.String(),
		StdoutFull: outBuf.Full(),
		Stderr:     errBuf.String(),
		StderrFull: errBuf.Full(),
		Duration:   time.Duration(reply.DurationNs),
	}
	switch reply.Status {
	case "error":
		res.Outcome = OutcomeFailed
	case "memory":
		res.Outcome = OutcomeMemoryAborted
		res.Stderr, res.StderrFull = MessageMemoryAborted, utf8.RuneCountInString(MessageMemoryAborted)
	}
	if v := reply.Value; v != nil && res.Outcome == OutcomeSucceeded {
		res.Value = Value{Present: true, IsNone: v.IsNone, Repr: v.Repr}
		if v.Native != nil {
			res.Value.Native = json.RawMessage(*v.Native)
		}
		if v.Image != nil {
			res.Value.Image = &Image{Format: v.Image.Format, Base64Data: v.Image.Data}
		}
	}
	return res
}
