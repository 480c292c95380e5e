package runtime

import (
	"context"
	"sync"
	"sync/atomic"
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

// zygoteLead is how many forks a zygote has left when its successor is
// started in the background: a request that crosses the zygoteForks
// boundary then finds the successor ready (or well under way) instead of
// waiting for a whole zygote start (about 0.6 s with IPython). A burst
// forks one interpreter per core every few tens of milliseconds, so a few
// forks' lead covers a start on a loaded machine; an idle successor costs
// one zygote's memory until it is used.
const zygoteLead = 8

// forkServer keeps a factory's zygote: started on first need, replaced
// when it dies, succeeded by one started before it has forked its share,
// closed with the factory. Where it has none (not Linux, the zygote cannot
// start, disabled), interpreters are spawned.
type forkServer struct {
	ctx     context.Context // ends when the factory closes
	cfg     interpConfig
	gate    *startGate // a successor's start waits here as a refill does
	program string     // the zygote's program: zygoteSource (tests break it)
	retry   time.Duration
	forks   int64 // forks before a zygote is retired: zygoteForks
	lead    int64 // forks left when its successor starts: zygoteLead

	// starts counts the zygote starts begun, waited the calls of get that
	// waited for one (for tests).
	starts, waited atomic.Int64

	mu   sync.Mutex
	z    *zygote
	next *zygote // the successor, started and idle until z retires
	// starting is closed when the start under way (at most one) is over.
	starting chan struct{}
	// queued, while a successor's start waits at the gate, ends that wait
	// so the start goes ahead now: a caller that needs it holds a slot.
	queued    context.CancelFunc
	failed    time.Time // when a zygote last failed; zero after a success
	closed    bool      // or disabled: never a zygote
	startWait sync.WaitGroup
}

func newForkServer(ctx context.Context, cfg interpConfig, gate *startGate, enabled bool) *forkServer {
	return &forkServer{ctx: ctx, cfg: cfg, gate: gate, program: zygoteSource, retry: zygoteRetry,
		forks: zygoteForks, lead: zygoteLead, closed: !enabled || !canFork()}
}

// get returns a live zygote, starting one if there is none, or nil when
// interpreters must be spawned. Callers that find a start under way wait
// for it (a zygote costs what one spawned interpreter does), until ctx
// ends: the start goes on for the callers that come later. The caller
// holds a slot of the gate.
func (s *forkServer) get(ctx context.Context) *zygote {
	for {
		s.mu.Lock()
		if s.replaceLocked() {
			continue
		}
		z, starting := s.z, s.starting
		retryLater := !s.failed.IsZero() && time.Since(s.failed) < s.retry
		if s.closed || z != nil || (starting == nil && retryLater) {
			if z != nil && !s.closed && !retryLater && z.forks.Load()+1 >= s.forks-s.lead {
				s.startLocked(true)
			}
			s.mu.Unlock()
			return z
		}
		if starting == nil {
			starting = s.startLocked(false)
		} else if s.queued != nil {
			// The successor is needed now: it starts in this caller's slot.
			s.queued()
		}
		s.mu.Unlock()
		s.waited.Add(1)
		select {
		case <-starting:
		case <-ctx.Done():
			return nil
		}
	}
}

// replaceLocked drops a zygote that died or has forked its share, taking
// the successor in its place if one is idle, and reports whether it
// unlocked s.mu to do so (get then looks again). s.mu is held.
func (s *forkServer) replaceLocked() bool {
	old := s.z
	switch {
	case old != nil && old.gone():
		// It died after serving forks: replace it now.
		s.z, s.next = s.next, nil
		s.mu.Unlock()
		old.close()
	case old != nil && old.forks.Load() >= s.forks:
		// It has forked its share: a new one has a new hash secret.
		s.z, s.next = s.next, nil
		s.mu.Unlock()
		old.retire()
	case old == nil && s.next != nil:
		s.z, s.next = s.next, nil
		return false
	default:
		return false
	}
	return true
}

// startLocked starts a zygote in the background, unless one is starting or
// idle already, and returns the channel closed when the start is over. A
// successor (get's current zygote has forks left) first waits at the gate
// behind the starts requests wait for, as a refill does. s.mu is held.
func (s *forkServer) startLocked(successor bool) chan struct{} {
	if s.starting != nil || s.next != nil {
		return s.starting
	}
	s.starting = make(chan struct{})
	var gctx context.Context
	if successor {
		gctx, s.queued = context.WithCancel(s.ctx)
	}
	s.starts.Add(1)
	s.startWait.Add(1)
	go s.start(gctx, s.program)
	return s.starting
}

// start starts a zygote, after a slot of the gate if gctx is not nil, and
// records the outcome.
func (s *forkServer) start(gctx context.Context, program string) {
	defer s.startWait.Done()
	held := false
	if gctx != nil {
		// An error: the factory closed, or a caller needs the zygote now.
		held = s.gate.acquire(gctx, false) == nil
		s.mu.Lock()
		s.queued()
		s.queued = nil
		s.mu.Unlock()
	}
	var z *zygote
	err := s.ctx.Err()
	if err == nil {
		z, err = startZygote(s.ctx, s.cfg, program)
	}
	if held {
		s.gate.release()
	}
	s.record(z, err)
}

// record installs z, the outcome of the start under way: as the zygote if
// there is none, else as its successor.
func (s *forkServer) record(z *zygote, err error) {
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
	case closed:
	case s.z == nil:
		s.failed, s.z = time.Time{}, z
	default:
		s.failed, s.next = time.Time{}, z
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
// it forked, which live on), kills its successor, idle or starting, and
// waits for that start to end; from then on interpreters are spawned.
// The factory's context has ended, which stops a start.
func (s *forkServer) close() {
	s.mu.Lock()
	s.closed = true
	z, next := s.z, s.next
	s.z, s.next = nil, nil
	s.mu.Unlock()
	if z != nil {
		z.retire()
	}
	if next != nil {
		next.close()
	}
	s.startWait.Wait()
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
