package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// store holds the live sessions by identifier. A session is created by the
// first data operation that names an unseen identifier, and deleted by the
// janitor after Config.Cooldown of inactivity, by DELETE /session, by
// .management/stopSession and by Close.
type store struct {
	srv      *Server
	mu       sync.Mutex
	sessions map[string]*session
	// expiries counts finished expire passes, so that tests can wait for
	// the janitor to have looked instead of sleeping.
	expiries atomic.Int64
}

// session is one emulated session: a file area (a directory opened as an
// os.Root, so no file operation can leave it) and a runtime session.
type session struct {
	srv        *Server
	identifier string
	guid       string // X-Ms-Session-Guid and the etag
	dir        string
	createdAt  time.Time

	// ready is closed when allocation has finished; allocErr, rt and root
	// are written before it is closed and never after.
	ready    chan struct{}
	allocErr error
	rt       runtime.Session
	root     *os.Root
	// allocTime is how long allocation took; newProcess whether the
	// runtime had to start a fresh process (no ready one was available).
	allocTime  time.Duration
	newProcess bool

	// ctx is cancelled when the session is deleted, so that queued and
	// running executions end.
	ctx    context.Context
	cancel context.CancelFunc

	// Guarded by store.mu.
	active     int // requests and execution workers using the session
	lastAccess time.Time
	allocated  bool // allocation succeeded and the session is listed
	deleted    bool

	// Guarded by mu: executions.
	mu      sync.Mutex
	execs   map[string]*execution
	history []*execution // submission order, for trimming and nothing else
	// historyBytes is the output held by the finished executions of history.
	historyBytes int64
	queue        []*execution
	// queuedBytes is the code (and stdin) the executions of queue hold.
	queuedBytes int64
	working     bool
}

func newStore(srv *Server) *store {
	return &store{srv: srv, sessions: map[string]*session{}}
}

// acquisition describes how a request got its session, for the allocation
// headers.
type acquisition struct {
	allocated bool          // this request created the session
	allocTime time.Duration // time spent allocating (zero if it existed)
}

// acquire returns the session named identifier, creating it when create is
// set and it does not exist (nil, nil when it does not exist and create is
// false). The caller must release it. A new session past MaxSessions answers
// 429; the identifier is not remembered, so a later request may succeed. A
// session deleted while the request waited for it to be ready is passed
// over: the identifier names a new one from then on, as for any request
// after the deletion.
func (st *store) acquire(ctx context.Context, identifier string, create bool) (*session, acquisition, error) {
	for {
		sess, acq, err := st.acquireOnce(ctx, identifier, create)
		if err != nil || sess == nil || !st.wasDeleted(sess) {
			return sess, acq, err
		}
		st.release(sess)
		if st.srv.closed.Load() {
			return nil, acq, errShuttingDown()
		}
	}
}

// wasDeleted reports whether sess has been removed from the store.
func (st *store) wasDeleted(sess *session) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	return sess.deleted
}

// acquireOnce is acquire's one try.
func (st *store) acquireOnce(ctx context.Context, identifier string, create bool) (*session, acquisition, error) {
	var acq acquisition
	now := time.Now()
	st.mu.Lock()
	sess := st.sessions[identifier]
	if sess == nil {
		if !create {
			st.mu.Unlock()
			return nil, acq, nil
		}
		if len(st.sessions) >= st.srv.cfg.MaxSessions {
			st.mu.Unlock()
			return nil, acq, newError(http.StatusTooManyRequests, CodeTooManySessions,
				"the session pool has reached its maximum of %d concurrent sessions", st.srv.cfg.MaxSessions).
				with("Retry-After", defaultRetryAfterTooManyInSecs)
		}
		sess = st.srv.newSession(identifier, now)
		st.sessions[identifier] = sess
		acq.allocated = true
	}
	sess.active++
	sess.lastAccess = now
	st.mu.Unlock()

	if acq.allocated {
		sess.allocate()
		acq.allocTime = sess.allocTime
		st.mu.Lock()
		if sess.allocErr == nil {
			sess.allocated = true
		} else if st.sessions[identifier] == sess {
			delete(st.sessions, identifier)
		}
		st.mu.Unlock()
	} else {
		select {
		case <-sess.ready:
		case <-ctx.Done():
			st.release(sess)
			return nil, acq, ctx.Err()
		}
	}
	if sess.allocErr != nil {
		st.release(sess)
		return nil, acq, fmt.Errorf("allocating the session: %w", sess.allocErr)
	}
	return sess, acq, nil
}

// retain adds a user to a session already held (an execution worker
// outliving the request that started it).
func (st *store) retain(sess *session) {
	st.mu.Lock()
	sess.active++
	st.mu.Unlock()
}

// release ends a use of the session; the cooldown counts from here.
func (st *store) release(sess *session) {
	st.mu.Lock()
	sess.active--
	sess.lastAccess = time.Now()
	st.mu.Unlock()
}

// peek returns a snapshot of the session named identifier without touching
// its cooldown: reading a session's state must not change what it reports.
func (st *store) peek(identifier string) (sessionInfo, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	sess := st.sessions[identifier]
	if sess == nil || !sess.allocated {
		return sessionInfo{}, false
	}
	return sess.infoLocked(st.srv.cfg.Cooldown), true
}

// list returns every allocated session, oldest first, so that paging with
// skip is stable while sessions come and go at the end.
func (st *store) list() []sessionInfo {
	st.mu.Lock()
	out := make([]sessionInfo, 0, len(st.sessions))
	for _, sess := range st.sessions {
		if sess.allocated {
			out = append(out, sess.infoLocked(st.srv.cfg.Cooldown))
		}
	}
	st.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].createdAt.Equal(out[j].createdAt) {
			return out[i].createdAt.Before(out[j].createdAt)
		}
		return out[i].identifier < out[j].identifier
	})
	return out
}

// remove deletes the session named identifier now, whatever it is doing,
// and reports whether it existed.
func (st *store) remove(identifier string) bool {
	st.mu.Lock()
	sess := st.sessions[identifier]
	if sess != nil {
		delete(st.sessions, identifier)
		sess.deleted = true
	}
	st.mu.Unlock()
	if sess == nil {
		return false
	}
	_ = sess.teardown()
	return true
}

// expire deletes the sessions idle for longer than the cooldown. A session
// with a request or an execution in progress is never idle.
func (st *store) expire(now time.Time) {
	var dead []*session
	st.mu.Lock()
	for id, sess := range st.sessions {
		if sess.active == 0 && sess.allocated && now.Sub(sess.lastAccess) >= st.srv.cfg.Cooldown {
			delete(st.sessions, id)
			sess.deleted = true
			dead = append(dead, sess)
		}
	}
	st.mu.Unlock()
	for _, sess := range dead {
		_ = sess.teardown()
	}
	st.expiries.Add(1)
}

// closeAll deletes every session, in parallel because each teardown waits
// for processes to die.
func (st *store) closeAll() error {
	st.mu.Lock()
	all := make([]*session, 0, len(st.sessions))
	for id, sess := range st.sessions {
		delete(st.sessions, id)
		sess.deleted = true
		all = append(all, sess)
	}
	st.mu.Unlock()
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	for i, sess := range all {
		wg.Go(func() { errs[i] = sess.teardown() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (srv *Server) newSession(identifier string, now time.Time) *session {
	guid := newGUID()
	ctx, cancel := context.WithCancel(srv.ctx)
	return &session{
		srv:        srv,
		identifier: identifier,
		guid:       guid,
		dir:        filepath.Join(srv.rootDir, guid),
		createdAt:  now.UTC(),
		ready:      make(chan struct{}),
		ctx:        ctx,
		cancel:     cancel,
		lastAccess: now,
		execs:      map[string]*execution{},
	}
}

// allocate creates the file area and the runtime session. It runs on the
// server's context, not the request's: other requests for the same
// identifier wait on it, so one client hanging up must not fail them.
func (sess *session) allocate() {
	defer close(sess.ready)
	start := time.Now()
	defer func() { sess.allocTime = time.Since(start) }()
	if err := os.Mkdir(sess.dir, 0o700); err != nil {
		sess.allocErr = err
		return
	}
	root, err := os.OpenRoot(sess.dir)
	if err != nil {
		sess.allocErr = err
		_ = os.RemoveAll(sess.dir)
		return
	}
	rt, started, err := sess.srv.factory.NewSession(sess.ctx, sess.dir)
	if err != nil {
		sess.allocErr = err
		_ = root.Close()
		_ = os.RemoveAll(sess.dir)
		return
	}
	sess.rt, sess.root, sess.newProcess = rt, root, started
}

// teardown kills the session's processes and removes its files. Requests
// still holding the session see their operations fail; none can reach
// another session's area.
func (sess *session) teardown() error {
	<-sess.ready
	sess.cancel()
	if sess.allocErr != nil {
		return nil
	}
	errs := []error{sess.rt.Close(), sess.root.Close(), removeTree(sess.dir)}
	return errors.Join(errs...)
}

// sessionInfo is a snapshot of a session for the session APIs.
type sessionInfo struct {
	identifier string
	guid       string
	createdAt  time.Time
	lastAccess time.Time
	expiresAt  time.Time
}

func (sess *session) infoLocked(cooldown time.Duration) sessionInfo {
	return sessionInfo{
		identifier: sess.identifier,
		guid:       sess.guid,
		createdAt:  sess.createdAt,
		lastAccess: sess.lastAccess.UTC(),
		expiresAt:  sess.lastAccess.Add(cooldown).UTC(),
	}
}
