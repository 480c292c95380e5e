//go:build unix

package runtime

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// zygote is a fork server (zygote.py): a Python process that has loaded the
// interpreter's program, and for the IPython kernel created a shell that
// has run nothing, and forks a new interpreter on request. A fork costs a
// few milliseconds where starting Python costs tens (hundreds with
// IPython), so a burst of new sessions is not served one Python start
// after another.
//
// It is the emulator's child, in a process group of its own, with the
// parent-death signal; the socket is its lifeline too. The interpreters it
// forks are not the emulator's children: see adoptForked.
type zygote struct {
	g    *group
	conn *net.UnixConn // SOCK_SEQPACKET: one JSON message a packet
	// stderr ends when the zygote has answered the start request (it then
	// writes nothing) or exits.
	stderr chan struct{}
	forks  atomic.Int64 // interpreters forked

	// turn is held by the request under way: one at a time. A channel,
	// not a mutex, so that a caller whose context ends stops waiting.
	turn chan struct{}
	// turnTaken, if set (by tests), runs when a request has taken its
	// turn, before it looks at its context again.
	turnTaken func()
	// timeout bounds each fork and reap exchange (a fork takes
	// milliseconds): a zygote that has not answered by then is stopped
	// or wedged, and is killed so that its callers spawn instead.
	timeout atomic.Int64 // nanoseconds

	mu     sync.Mutex
	broken bool // a request failed; the zygote is killed
	// live counts the forked leaders not yet reaped. A retired zygote
	// forks no more and is closed once it has reaped them all, so that no
	// session's supervisor is left without the parent that reaps it.
	live    int
	retired bool

	closeOnce sync.Once
}

// zygoteTimeout is a zygote's timeout for a fork or a reap: ample for a
// loaded machine, short beside a session's start.
const zygoteTimeout = 5 * time.Second

// errZygoteGone: the zygote exited or broke the protocol.
var errZygoteGone = errors.New("runtime: the zygote is gone")

// zygoteRequest is a request to zygote.py.
type zygoteRequest struct {
	Op  string // "start", "fork" or "reap"
	Arg string // the kernel of a start, the tag of a fork, the pid of a reap
}

// encode returns the request as zygote.py reads it: the operation and its
// argument, separated by a space.
func (r zygoteRequest) encode() []byte { return []byte(r.Op + " " + r.Arg) }

// zygoteReply is its answer.
type zygoteReply struct {
	OK     bool   `json:"ok"`
	Kernel string `json:"kernel"`
	Pid    int    `json:"pid"`
	Status *int   `json:"status"`
	Error  string `json:"error"`
}

// startZygote starts a zygote running program (zygoteSource) and waits
// until it has loaded what its children need. ctx ending stops the wait.
func startZygote(ctx context.Context, cfg interpConfig, program string) (*zygote, error) {
	z, errOut, err := launchZygote(cfg, program)
	if err != nil {
		return nil, fmt.Errorf("runtime: start a zygote of %s: %w", cfg.python, err)
	}
	rep, err := z.request(ctx, startTimeout, zygoteRequest{Op: "start", Arg: cfg.kernel}, nil)
	if err == nil && !rep.OK {
		err = errors.New(rep.Error)
	}
	if err != nil {
		z.close()
		if msg := strings.TrimSpace(errOut.String()); msg != "" {
			err = fmt.Errorf("%w: %s", err, msg)
		}
		return nil, fmt.Errorf("runtime: start a zygote of %s: %w", cfg.python, err)
	}
	return z, nil
}

// launchZygote starts the process with its socket on fd 3 and its stdout
// and stderr read into the returned buffer.
func launchZygote(cfg interpConfig, program string) (*zygote, *capBuffer, error) {
	conn, theirs, err := zygoteSocket()
	if err != nil {
		return nil, nil, err
	}
	defer theirs.Close()
	errR, errW, err := os.Pipe()
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	cmd := pythonCommand(cfg, program)
	cmd.Env = bindNow(cmd.Env)
	cmd.ExtraFiles = []*os.File{theirs}
	cmd.Stdout, cmd.Stderr = errW, errW
	cmd.SysProcAttr = groupAttr()
	g, err := startGroup(cmd)
	errW.Close()
	if err != nil {
		errR.Close()
		conn.Close()
		return nil, nil, err
	}
	z := &zygote{g: g, conn: conn, stderr: make(chan struct{}), turn: make(chan struct{}, 1)}
	z.timeout.Store(int64(zygoteTimeout))
	errOut := newCapBuffer(defaultMaxOutput)
	go func() {
		drainPipe(errR, errOut, z.stderr)
		errR.Close()
	}()
	return z, errOut, nil
}

// bindNowEnv makes the dynamic loader resolve every symbol of the
// zygote's libraries when it loads them (LD_BIND_NOW), not at its first
// call. Lazily, each forked supervisor and interpreter resolved again
// every function it first called after the fork (PyOS_AfterFork_Child's
// pthread_key_delete, say): symbol-table lookups through every loaded
// library and a write to its GOT, some 15 page faults per process. The
// value tells zygote.py that it was set here, not by the user, so that it
// removes it from the environment its children and their subprocesses
// get (zygote.py's _unbind_now).
const bindNowEnv = "LD_BIND_NOW=azsessions-zygote"

// bindNow returns env with bindNowEnv, unless env sets LD_BIND_NOW already
// (then the user's choice stays, for the sessions too).
func bindNow(env []string) []string {
	for _, e := range env {
		if strings.HasPrefix(e, "LD_BIND_NOW=") {
			return env
		}
	}
	return append(env, bindNowEnv)
}

// zygoteSocket returns the two ends of a zygote's socket. Both are
// close-on-exec from their creation (socketpairCloexec): marked afterwards,
// they would be inherited by a command another goroutine execs in
// between, which could then read other sessions' pipes off the socket and
// forge the zygote's replies. exec.Cmd gives the zygote its end (fd 3).
func zygoteSocket() (*net.UnixConn, *os.File, error) {
	fds, err := socketpairCloexec(syscall.AF_UNIX, syscall.SOCK_SEQPACKET)
	if err != nil {
		return nil, nil, err
	}
	own, theirs := os.NewFile(uintptr(fds[0]), "zygote"), os.NewFile(uintptr(fds[1]), "zygote")
	conn, err := net.FileConn(own)
	own.Close()
	if err != nil {
		theirs.Close()
		return nil, nil, err
	}
	return conn.(*net.UnixConn), theirs, nil
}

// request sends req, with files as SCM_RIGHTS, and reads the answer,
// waiting at most timeout, and no longer than ctx lasts. A failure leaves
// the zygote broken (and kills it): the two sides may no longer agree on
// which answer belongs to which request. A ctx that has ended before the
// request is sent is only returned (ctx.Err()): the zygote stays as it is.
func (z *zygote) request(ctx context.Context, timeout time.Duration, req zygoteRequest, files []*os.File) (zygoteReply, error) {
	var rep zygoteReply
	select {
	case z.turn <- struct{}{}:
	case <-ctx.Done():
		return rep, ctx.Err()
	}
	defer func() { <-z.turn }()
	if z.turnTaken != nil {
		z.turnTaken()
	}
	if z.isBroken() {
		return rep, errZygoteGone
	}
	// Both cases of the select above may be ready, and it picks one at
	// random; and ctx may end between a start gate's slot and this turn
	// (a ready-pool refill as its factory closes). Sent with an ended
	// context, the exchange would be cut at once and the zygote broken
	// (killed) instead of retired; nothing is sent yet, so it stays whole.
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	stop := context.AfterFunc(ctx, func() { _ = z.conn.SetDeadline(time.Now()) })
	err := z.exchange(deadline, req, files, &rep)
	stop()
	if err != nil {
		z.breakDown()
		if ctx.Err() != nil {
			err = fmt.Errorf("%w: %w", ctx.Err(), err)
		}
	}
	return rep, err
}

func (z *zygote) isBroken() bool {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.broken
}

// breakDown marks the zygote broken and kills it.
func (z *zygote) breakDown() {
	z.mu.Lock()
	z.broken = true
	z.mu.Unlock()
	z.g.kill(notKilled)
}

func (z *zygote) exchange(deadline time.Time, req zygoteRequest, files []*os.File, rep *zygoteReply) error {
	body := req.encode()
	var oob []byte
	if len(files) > 0 {
		fds := make([]int, len(files))
		for i, f := range files {
			// Fd also makes the descriptor blocking, as the interpreter
			// expects its pipes to be (exec.Cmd does the same).
			fds[i] = int(f.Fd())
		}
		oob = syscall.UnixRights(fds...)
	}
	if err := z.conn.SetDeadline(deadline); err != nil {
		return err
	}
	if _, _, err := z.conn.WriteMsgUnix(body, oob, nil); err != nil {
		return fmt.Errorf("%w: %w", errZygoteGone, err)
	}
	buf := make([]byte, 4096)
	n, err := z.conn.Read(buf)
	if err != nil || n == 0 {
		return fmt.Errorf("%w: %v", errZygoteGone, err)
	}
	return json.Unmarshal(buf[:n], rep)
}

// fork asks for a new interpreter with child as its fds 3, 4, 5, 1 and 2
// (interpPipes.childEnds), in a group of its own tagged tag, and returns
// its pid. The caller must reap it (adoptForked does). ctx bounds the
// wait.
func (z *zygote) fork(ctx context.Context, tag string, child []*os.File) (int, error) {
	z.mu.Lock()
	retired := z.retired
	z.mu.Unlock()
	if retired {
		return 0, errZygoteGone
	}
	rep, err := z.request(ctx, z.exchangeTimeout(), zygoteRequest{Op: "fork", Arg: tag}, child)
	if err == nil && rep.Pid <= 0 {
		// A zygote that refuses to fork (threads running) will go on
		// refusing: it is of no further use.
		err = fmt.Errorf("the zygote did not fork: %s", rep.Error)
		z.breakDown()
	}
	if err != nil {
		return 0, err
	}
	z.mu.Lock()
	z.live++
	z.mu.Unlock()
	z.forks.Add(1)
	return rep.Pid, nil
}

func (z *zygote) exchangeTimeout() time.Duration { return time.Duration(z.timeout.Load()) }

// reap has the zygote reap its exited child pid and returns its wait
// status; false when the zygote cannot tell (it is gone, or did not
// answer in time and is killed: init then reaps the child).
func (z *zygote) reap(pid int) (syscall.WaitStatus, bool) {
	rep, err := z.request(context.Background(), z.exchangeTimeout(), zygoteRequest{Op: "reap", Arg: strconv.Itoa(pid)}, nil)
	z.mu.Lock()
	z.live--
	last := z.retired && z.live == 0
	z.mu.Unlock()
	if last {
		z.close()
	}
	if err != nil || rep.Status == nil {
		return 0, false
	}
	return syscall.WaitStatus(*rep.Status), true
}

// addressSpace returns the zygote's address space (what RLIMIT_AS counts)
// in bytes, which each interpreter it forks starts with.
func (z *zygote) addressSpace() (int64, bool) { return addressSpace(z.g.pid) }

// gone reports whether the zygote can no longer fork.
func (z *zygote) gone() bool {
	z.mu.Lock()
	defer z.mu.Unlock()
	select {
	case <-z.g.exited:
		return true
	default:
		return z.broken || z.retired
	}
}

// retire stops forking and closes the zygote once the interpreters it
// forked are reaped (now, if there are none).
func (z *zygote) retire() {
	z.mu.Lock()
	z.retired = true
	now := z.live == 0
	z.mu.Unlock()
	if now {
		z.close()
	}
}

// close kills the zygote and waits until it is reaped. The interpreters it
// forked and has not reaped live on, orphans: see retire.
func (z *zygote) close() {
	z.closeOnce.Do(func() {
		z.g.kill(killedClosed)
		<-z.g.exited
		<-z.stderr
		z.conn.Close()
	})
}
