package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// fakeFactory is a runtime.Factory whose sessions interpret a tiny line
// language instead of Python, so that the HTTP layer is tested fast and
// deterministically. Commands, one per line:
//
//	print TEXT        stdout TEXT\n
//	eprint TEXT       stderr TEXT\n
//	set K V / get K   session state; get's value is repr 'V', native "V"
//	value REPR [NATIVE]  last expression with that repr (and native JSON)
//	none              last expression None
//	image             a figure
//	raise MSG         a failure with a traceback
//	sleep DURATION    sleeps (honours Timeout and ctx)
//	gate NAME         waits until the test opens gate NAME
//	write NAME TEXT   writes a file in the session's directory
//	read NAME         prints a file of the session's directory
//	symlink TARGET NAME  plants a symbolic link
//	crash / oom       kernel restart / memory abort
//	count             prints how many executions this session has run
//
// Shell requests: ShellCommand "exit N", "echo TEXT", "cat" (echoes stdin),
// "sleep DURATION"; ExecCommandAndArgs joined with spaces is run the same.
type fakeFactory struct {
	mu       sync.Mutex
	gates    map[string]chan struct{}
	sessions []*fakeSession
	closed   bool
	// ready counts sessions handed out without "starting a process".
	ready      atomic.Int32
	allocDelay time.Duration
	// allocGate, when set, holds every NewSession until it is closed.
	allocGate chan struct{}
	overlap   atomic.Bool // set if any session ran two executions at once
}

func newFakeFactory() *fakeFactory {
	return &fakeFactory{gates: map[string]chan struct{}{}}
}

func (f *fakeFactory) gate(name string) chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := f.gates[name]
	if g == nil {
		g = make(chan struct{})
		f.gates[name] = g
	}
	return g
}

func (f *fakeFactory) open(name string) { close(f.gate(name)) }

func (f *fakeFactory) NewSession(ctx context.Context, dir string) (runtime.Session, bool, error) {
	if f.allocDelay > 0 {
		time.Sleep(f.allocDelay)
	}
	if f.allocGate != nil {
		<-f.allocGate
	}
	s := &fakeSession{f: f, dir: dir, vars: map[string]string{}}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil, false, errors.New("factory closed")
	}
	f.sessions = append(f.sessions, s)
	started := f.ready.Add(-1) < 0
	return s, started, nil
}

func (f *fakeFactory) Info(ctx context.Context) (runtime.Info, error) {
	return runtime.Info{RuntimeName: "python", RuntimeVersion: "3.11.7", KernelName: "python3", KernelVersion: "3.11.7",
		Packages: []runtime.Package{{Name: "numpy", Version: "1.26.4"}}}, nil
}

func (f *fakeFactory) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

// live counts sessions not yet closed.
func (f *fakeFactory) live() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, s := range f.sessions {
		if !s.closed.Load() {
			n++
		}
	}
	return n
}

type fakeSession struct {
	f       *fakeFactory
	dir     string
	vars    map[string]string
	runs    int
	running atomic.Int32
	closed  atomic.Bool
	done    chan struct{}
	once    sync.Once
}

func (s *fakeSession) closedCh() chan struct{} {
	s.once.Do(func() { s.done = make(chan struct{}) })
	return s.done
}

func (s *fakeSession) Close() error {
	ch := s.closedCh()
	if s.closed.CompareAndSwap(false, true) {
		close(ch)
	}
	return nil
}

func (s *fakeSession) Execute(ctx context.Context, req runtime.Request) (runtime.Result, error) {
	if s.running.Add(1) > 1 {
		s.f.overlap.Store(true)
	}
	defer s.running.Add(-1)
	if s.closed.Load() {
		return runtime.Result{}, errors.New("session closed")
	}
	s.runs++
	start := time.Now()
	res := runtime.Result{Outcome: runtime.OutcomeSucceeded}
	var out, errb strings.Builder
	code := req.Code
	if req.ShellCommand != "" {
		code = req.ShellCommand
	} else if len(req.ExecCommandAndArgs) > 0 {
		code = strings.Join(req.ExecCommandAndArgs, " ")
	}
	timeout := req.Timeout
	if timeout == 0 {
		timeout = time.Minute
	}
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	wait := func(ch <-chan struct{}) bool { // false: timed out or closed
		select {
		case <-ch:
			return true
		case <-deadline.C:
			res.Outcome = runtime.OutcomeTimedOut
			errb.WriteString(runtime.MessageTimedOut)
			res.ExitCode = -1
			return false
		case <-ctx.Done():
			return false
		case <-s.closedCh():
			return false
		}
	}
lines:
	for line := range strings.SplitSeq(code, "\n") {
		cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch cmd {
		case "":
		case "print", "echo":
			out.WriteString(arg + "\n")
		case "cat":
			out.WriteString(req.Stdin)
		case "eprint":
			errb.WriteString(arg + "\n")
		case "exit":
			res.ExitCode, _ = strconv.Atoi(arg)
		case "set":
			k, v, _ := strings.Cut(arg, " ")
			s.vars[k] = v
		case "get":
			v, ok := s.vars[arg]
			if !ok {
				res.Outcome = runtime.OutcomeFailed
				errb.WriteString("NameError: name '" + arg + "' is not defined\n")
				break lines
			}
			native, _ := json.Marshal(v)
			res.Value = runtime.Value{Present: true, Repr: "'" + v + "'", Native: native}
		case "value":
			repr, native, _ := strings.Cut(arg, " ")
			res.Value = runtime.Value{Present: true, Repr: repr}
			if native != "" {
				res.Value.Native = json.RawMessage(native)
			}
		case "none":
			res.Value = runtime.Value{Present: true, IsNone: true, Repr: "None"}
		case "image":
			res.Value = runtime.Value{Present: true, Repr: "<Figure>", Image: &runtime.Image{Format: "png", Base64Data: "iVBORw0KGgo="}}
		case "raise":
			res.Outcome = runtime.OutcomeFailed
			errb.WriteString("Traceback (most recent call last):\n" + arg + "\n")
			break lines
		case "sleep":
			d, _ := time.ParseDuration(arg)
			ch := make(chan struct{})
			t := time.AfterFunc(d, func() { close(ch) })
			ok := wait(ch)
			t.Stop()
			if !ok {
				break lines
			}
		case "gate":
			if !wait(s.f.gate(arg)) {
				break lines
			}
		case "write":
			name, text, _ := strings.Cut(arg, " ")
			if err := os.WriteFile(filepath.Join(s.dir, name), []byte(text), 0o644); err != nil {
				res.Outcome = runtime.OutcomeFailed
				errb.WriteString(err.Error())
			}
		case "read":
			b, err := os.ReadFile(filepath.Join(s.dir, arg))
			if err != nil {
				res.Outcome = runtime.OutcomeFailed
				errb.WriteString(err.Error())
				break lines
			}
			out.Write(b)
		case "symlink":
			target, name, _ := strings.Cut(arg, " ")
			if err := os.Symlink(target, filepath.Join(s.dir, name)); err != nil {
				res.Outcome = runtime.OutcomeFailed
				errb.WriteString(err.Error())
			}
		case "crash":
			res.Outcome = runtime.OutcomeKernelRestarted
			break lines
		case "oom":
			res.Outcome = runtime.OutcomeMemoryAborted
			break lines
		case "count":
			fmt.Fprintf(&out, "%d\n", s.runs)
		default:
			res.Outcome = runtime.OutcomeFailed
			errb.WriteString("SyntaxError: " + line + "\n")
			break lines
		}
	}
	if ctx.Err() != nil {
		return runtime.Result{}, ctx.Err()
	}
	max := req.MaxOutput
	if max == 0 {
		max = 4096
	}
	res.Stdout, res.StdoutFull = cut(out.String(), max)
	res.Stderr, res.StderrFull = cut(errb.String(), max)
	res.Duration = time.Since(start)
	return res, nil
}

func cut(s string, n int) (string, int) {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]), len(r)
	}
	return s, len(r)
}
