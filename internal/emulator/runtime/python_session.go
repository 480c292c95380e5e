package runtime

import (
	"context"
	"sync"
)

// pythonSession is a Python session: one interpreter bound to the session
// dir, replaced by a fresh one (state lost, as after a kernel restart) when
// it times out, crashes or dies while idle.
type pythonSession struct {
	f   *PythonFactory
	dir string

	// run serialises executions; Execute holds it throughout.
	run sync.Mutex

	// mu guards ip and closed, apart from run, so Close can kill the
	// interpreter of a running execution instead of waiting for it.
	mu     sync.Mutex
	ip     *interp // nil after a death, until the next Execute
	closed bool

	closeOnce sync.Once
}

// Execute runs req.Code in the session's interpreter.
func (s *pythonSession) Execute(ctx context.Context, req Request) (Result, error) {
	s.run.Lock()
	defer s.run.Unlock()
	ip, err := s.live(ctx)
	if err != nil {
		return Result{}, err
	}
	timeout := req.Timeout
	if timeout <= 0 {
		timeout = s.f.defaultTimeout
	}
	res, err := ip.execute(ctx, req, timeout)
	if ip.dead() {
		ip.shutdown()
		s.mu.Lock()
		if s.ip == ip {
			s.ip = nil
		}
		s.mu.Unlock()
	}
	return res, err
}

// live returns the session's interpreter, replacing it if it died.
func (s *pythonSession) live(ctx context.Context) (*interp, error) {
	s.mu.Lock()
	ip, closed := s.ip, s.closed
	s.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if ip != nil && !ip.dead() {
		return ip, nil
	}
	if ip != nil {
		// Died between executions; Jupyter restarts such a kernel too.
		ip.shutdown()
	}
	ip, _, err := s.f.interpFor(ctx, s.dir)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		ip.shutdown()
		return nil, ErrClosed
	}
	s.ip = ip
	return ip, nil
}

// Close kills the interpreter (ending a running Execute with ErrClosed),
// and returns once its processes are reaped. Later calls do nothing.
func (s *pythonSession) Close() error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		ip := s.ip
		s.ip = nil
		s.mu.Unlock()
		if ip != nil {
			ip.g.kill(killedClosed)
		}
		// Wait for a running Execute (or replacement start) to give up.
		s.run.Lock()
		defer s.run.Unlock()
		if ip != nil {
			ip.shutdown()
		}
	})
	return nil
}

// pid returns the current interpreter's pid, or 0 (for tests).
func (s *pythonSession) pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ip == nil {
		return 0
	}
	return s.ip.g.pid
}
