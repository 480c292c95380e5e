package runtime

import (
	"context"
	"sync"
	"time"
)

// zygoteRetry is how long a factory spawns interpreters after its zygote
// failed to start or to fork before it tries a new zygote. A zygote that
// served forks and then died is replaced at once.
const zygoteRetry = 30 * time.Second

// zygoteForks is how many interpreters a zygote forks before it is retired
// and a new one started. Every interpreter forked from one zygote shares
// its string hash secret (hash("abc") is the same in each), which cannot
// be reseeded after start-up; this bounds how many sessions share one.
const zygoteForks = 64

// forkServer keeps a factory's zygote: started on first need, replaced
// when it dies, closed with the factory. Where it has none (not Linux, the
// zygote cannot start, disabled), interpreters are spawned.
type forkServer struct {
	ctx     context.Context // ends when the factory closes
	cfg     interpConfig
	program string // the zygote's program: zygoteSource (tests break it)
	retry   time.Duration
	forks   int64 // forks before a zygote is retired: zygoteForks

	mu       sync.Mutex
	z        *zygote
	starting chan struct{} // closed when the start under way is over
	failed   time.Time     // when a zygote last failed; zero after a success
	closed   bool          // or disabled: never a zygote
}

func newForkServer(ctx context.Context, cfg interpConfig, enabled bool) *forkServer {
	return &forkServer{ctx: ctx, cfg: cfg, program: zygoteSource, retry: zygoteRetry, forks: zygoteForks, closed: !enabled || !canFork()}
}

// get returns a live zygote, starting one if there is none, or nil when
// interpreters must be spawned. Callers that find a start under way wait
// for it (a zygote costs what one spawned interpreter does), until ctx
// ends: the start goes on for the callers that come later.
func (s *forkServer) get(ctx context.Context) *zygote {
	for {
		s.mu.Lock()
		if dead := s.z; dead != nil && dead.gone() {
			// It died after serving forks: replace it now.
			s.z = nil
			s.mu.Unlock()
			dead.close()
			continue
		}
		if old := s.z; old != nil && old.forks.Load() >= s.forks {
			// It has forked its share: a new one has a new hash secret.
			s.z = nil
			s.mu.Unlock()
			old.retire()
			continue
		}
		z, starting := s.z, s.starting
		retryLater := !s.failed.IsZero() && time.Since(s.failed) < s.retry
		if s.closed || z != nil || (starting == nil && retryLater) {
			s.mu.Unlock()
			return z
		}
		if starting == nil {
			starting = make(chan struct{})
			s.starting = starting
			go s.start()
		}
		s.mu.Unlock()
		select {
		case <-starting:
		case <-ctx.Done():
			return nil
		}
	}
}

// start starts a zygote for get and records the outcome.
func (s *forkServer) start() {
	z, err := startZygote(s.ctx, s.cfg, s.program)
	tooBig := err == nil && !s.fits(z)
	s.mu.Lock()
	close(s.starting)
	s.starting = nil
	if tooBig {
		s.closed = true
	}
	closed := s.closed
	switch {
	case err != nil:
		if s.ctx.Err() == nil {
			s.failed = time.Now()
		}
	case !closed:
		s.failed, s.z = time.Time{}, z
	}
	s.mu.Unlock()
	if err == nil && closed {
		z.close()
	}
}

// zygoteHeadroom is the address space a forked interpreter must have left
// under the memory limit for the factory to fork rather than spawn.
const zygoteHeadroom = 32 << 20

// fits reports whether the interpreters z forks can work under the memory
// limit: they start with its address space (IPython's ~60 MB) already
// counted against it, where a spawned interpreter whose IPython does not
// fit falls back to the plain kernel.
func (s *forkServer) fits(z *zygote) bool {
	size, ok := z.addressSpace()
	return s.cfg.memLimit <= 0 || !ok || size+zygoteHeadroom <= s.cfg.memLimit
}

// drop stops using z, which failed. A zygote that never forked is not
// tried again for a while.
func (s *forkServer) drop(z *zygote) {
	s.mu.Lock()
	current := s.z == z
	if current {
		s.z = nil
		if z.forks.Load() == 0 {
			s.failed = time.Now()
		}
	}
	s.mu.Unlock()
	if current {
		// One no longer current was closed by whoever replaced it, or
		// retired: it closes once its interpreters are reaped.
		z.close()
	}
}

// close retires the zygote (it exits once it has reaped the interpreters
// it forked, which live on); from then on interpreters are spawned.
func (s *forkServer) close() {
	s.mu.Lock()
	s.closed = true
	z := s.z
	s.z = nil
	s.mu.Unlock()
	if z != nil {
		z.retire()
	}
}

// forkInterp has z fork an interpreter and hands it its pipes.
func forkInterp(ctx context.Context, z *zygote, cfg interpConfig) (*interp, error) {
	pipes, err := openInterpPipes()
	if err != nil {
		return nil, err
	}
	tag, err := newGroupTag()
	if err != nil {
		closeFiles(pipes.ownEnds())
		closeFiles(pipes.childEnds())
		return nil, err
	}
	pid, err := z.fork(ctx, tag, pipes.childEnds())
	closeFiles(pipes.childEnds())
	if err != nil {
		closeFiles(pipes.ownEnds())
		return nil, err
	}
	return newInterp(adoptForked(pid, tag, z), cfg, pipes), nil
}
