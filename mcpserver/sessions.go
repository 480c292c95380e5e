package mcpserver

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/internal/words"
)

// Handles look like "azs1_" followed by 43 base64url characters: a 16-byte
// random nonce and the first 16 bytes of its HMAC-SHA256 under the server's
// key. The nonce names the conversation; the MAC means only handles the
// server issued (with this key) are accepted.
const (
	handlePrefix = "azs1_"
	nonceSize    = 16
	tagSize      = 16
)

// errBadHandle is what a model sees for a handle the server did not issue.
var errBadHandle = errors.New("`session` is not a handle this server issued: call new_session for one, or leave `session` out to use this connection's own sandbox")

// errClosed is what calls see once the Server is closed.
var errClosed = errors.New("the server is shutting down")

// sweptMemory is how long the table remembers that it deleted an idle
// handle's sandbox, to tell the handle's next call so.
const sweptMemory = 24 * time.Hour

// sessionTable maps MCP sessions and handles to toolkit sessions.
type sessionTable struct {
	toolkit    *agenttool.Toolkit
	key        []byte
	maxHandles int // <= 0: no limit

	mu      sync.Mutex
	closed  bool
	byMCP   map[*mcp.ServerSession]*agenttool.Session
	handles map[string]*handleState // by conversation id
	swept   map[string]time.Time    // conversations of swept handles, when
	// sweeping holds the conversations whose idle sandbox the sweep has
	// taken and is deleting; the channel closes when it is deleted.
	sweeping map[string]chan struct{}

	// sweepWaitHook, when set (by tests), runs as a call starts waiting
	// for the sweep to delete its handle's old sandbox.
	sweepWaitHook func()
}

// idleHandle is a handle's sandbox the idle sweep took, to delete.
type idleHandle struct {
	conv    string
	session *agenttool.Session
}

// handleState tracks one handle's sandbox for the idle sweep.
type handleState struct {
	session  *agenttool.Session
	lastUsed time.Time
	active   int // calls running now
}

func newSessionTable(toolkit *agenttool.Toolkit, key []byte, maxHandles int) (*sessionTable, error) {
	if key == nil {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	return &sessionTable{
		toolkit:    toolkit,
		key:        key,
		maxHandles: maxHandles,
		byMCP:      map[*mcp.ServerSession]*agenttool.Session{},
		handles:    map[string]*handleState{},
		swept:      map[string]time.Time{},
		sweeping:   map[string]chan struct{}{},
	}, nil
}

// errTooManyHandles is newHandle's answer past the table's limit.
type errTooManyHandles struct{ limit int }

func (e errTooManyHandles) Error() string {
	return fmt.Sprintf("this server already has %s, its limit: reuse a handle you have "+
		"(call reset_session with it for an empty sandbox), or leave `session` out to use this connection's own sandbox; "+
		"handles that go unused are freed after their idle timeout", words.Count(int64(e.limit), "live session handle"))
}

// newHandle returns a fresh handle and registers its (not yet created)
// sandbox, unless the table holds maxHandles live handles already.
func (t *sessionTable) newHandle(now time.Time) (string, error) {
	nonce := make([]byte, nonceSize)
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	raw := append(nonce, t.tag(nonce)...)
	handle := handlePrefix + base64.RawURLEncoding.EncodeToString(raw)
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return "", errClosed
	}
	if t.maxHandles > 0 && len(t.handles) >= t.maxHandles {
		return "", errTooManyHandles{t.maxHandles}
	}
	conv := handleConversation(nonce)
	t.handles[conv] = &handleState{session: t.toolkit.Session(conv), lastUsed: now}
	return handle, nil
}

func (t *sessionTable) tag(nonce []byte) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte("azsessions mcp session handle\x00"))
	m.Write(nonce)
	return m.Sum(nil)[:tagSize]
}

func handleConversation(nonce []byte) string {
	return "mcp-handle-" + hex.EncodeToString(nonce)
}

// acquire returns the toolkit session a call uses: the handle's when handle
// is not empty, else the MCP session's own (made on first use). swept says
// the handle's sandbox was deleted by the idle sweep since its last call,
// so the call starts in an empty one. release must be called when the
// call ends.
func (t *sessionTable) acquire(ctx context.Context, ss *mcp.ServerSession, handle string, now time.Time) (sess *agenttool.Session, swept bool, release func(), err error) {
	if handle != "" {
		nonce, ok := t.verify(handle)
		if !ok {
			return nil, false, nil, errBadHandle
		}
		conv := handleConversation(nonce)
		t.mu.Lock()
		defer t.mu.Unlock()
		if err := t.awaitSweep(ctx, conv); err != nil {
			return nil, false, nil, err
		}
		if t.closed {
			return nil, false, nil, errClosed
		}
		h, wasSwept := t.handle(conv)
		return h.session, wasSwept, t.use(h, now), nil
	}
	if ss == nil {
		return nil, false, nil, errors.New("the call has no MCP session; pass a handle from new_session as `session`")
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil, false, nil, errClosed
	}
	if sess, ok := t.byMCP[ss]; ok {
		return sess, false, func() {}, nil
	}
	conv, err := randomConversation()
	if err != nil {
		return nil, false, nil, err
	}
	sess = t.toolkit.Session(conv)
	t.byMCP[ss] = sess
	return sess, false, func() {}, nil
}

// handle returns the state of conv's handle, registered now if the table
// does not hold it: the sweep deleted its sandbox while idle (which swept
// reports, once: the sandbox starts clean), or an earlier process or a
// replica with the same key issued it (its sandbox, under the same toolkit
// key, may still be there). t.mu must be held.
func (t *sessionTable) handle(conv string) (h *handleState, swept bool) {
	if h := t.handles[conv]; h != nil {
		return h, false
	}
	h = &handleState{session: t.toolkit.Session(conv)}
	t.handles[conv] = h
	_, swept = t.swept[conv]
	delete(t.swept, conv)
	return h, swept
}

// awaitSweep waits until the sweep has deleted conv's idle sandbox, if it
// is deleting it now, so that a call does not run in a sandbox about to be
// deleted. t.mu must be held; it is released while waiting.
func (t *sessionTable) awaitSweep(ctx context.Context, conv string) error {
	for {
		done, ok := t.sweeping[conv]
		if !ok {
			return nil
		}
		if t.sweepWaitHook != nil {
			t.sweepWaitHook()
		}
		t.mu.Unlock()
		select {
		case <-done:
		case <-ctx.Done():
		}
		t.mu.Lock()
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// lookup is acquire for reading resources: it creates nothing for an MCP
// session that has no sandbox yet, and gives nil for a handle whose sandbox
// the idle sweep deleted or is deleting (no file is there, and the
// handle's next call must still be told it starts clean). A handle the
// table does not hold otherwise (issued by a replica or an earlier process)
// is registered, as a call would. A handle's read counts as use, as a call
// does, so the idle sweep keeps its sandbox; release must be called when
// the read ends.
func (t *sessionTable) lookup(ss *mcp.ServerSession, handle string, now time.Time) (sess *agenttool.Session, release func(), err error) {
	if handle != "" {
		nonce, ok := t.verify(handle)
		if !ok {
			return nil, nil, errBadHandle
		}
		conv := handleConversation(nonce)
		t.mu.Lock()
		defer t.mu.Unlock()
		_, sweeping := t.sweeping[conv]
		_, swept := t.swept[conv]
		switch {
		case t.closed:
			return nil, nil, errClosed
		case t.handles[conv] == nil && (sweeping || swept):
			return nil, func() {}, nil
		}
		h, _ := t.handle(conv)
		return h.session, t.use(h, now), nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byMCP[ss], func() {}, nil
}

// use marks h in use from now until the release it returns is called, so
// that the idle sweep skips it meanwhile and counts its idle time from the
// end of the use. t.mu must be held.
func (t *sessionTable) use(h *handleState, now time.Time) (release func()) {
	h.active++
	h.lastUsed = now
	return func() {
		t.mu.Lock()
		h.active--
		h.lastUsed = time.Now()
		t.mu.Unlock()
	}
}

func randomConversation() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "mcp-session-" + hex.EncodeToString(b), nil
}

// verify checks handle's MAC and returns its nonce.
func (t *sessionTable) verify(handle string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(handle, handlePrefix)
	if !ok {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil || len(raw) != nonceSize+tagSize {
		return nil, false
	}
	nonce, tag := raw[:nonceSize], raw[nonceSize:]
	return nonce, hmac.Equal(tag, t.tag(nonce))
}

// forget removes an ended MCP session and returns its sandbox's session,
// or nil when it had none (or was already forgotten).
func (t *sessionTable) forget(ss *mcp.ServerSession) *agenttool.Session {
	t.mu.Lock()
	defer t.mu.Unlock()
	sess := t.byMCP[ss]
	delete(t.byMCP, ss)
	return sess
}

// idleHandles removes and returns the sessions of handles not used since
// before cutoff and not in use now. Each is marked as being swept until
// swept is called with it, once its sandbox is deleted.
func (t *sessionTable) idleHandles(cutoff time.Time) []idleHandle {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var idle []idleHandle
	for conv, h := range t.handles {
		if h.active == 0 && h.lastUsed.Before(cutoff) {
			idle = append(idle, idleHandle{conv: conv, session: h.session})
			delete(t.handles, conv)
			t.swept[conv] = now
			t.sweeping[conv] = make(chan struct{})
		}
	}
	for conv, when := range t.swept {
		if now.Sub(when) > sweptMemory {
			delete(t.swept, conv)
		}
	}
	return idle
}

// sweptDone says that the sandbox of h, which idleHandles returned, is
// deleted (or failed to be): calls on its handle waiting for that go on.
func (t *sessionTable) sweptDone(h idleHandle) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if done, ok := t.sweeping[h.conv]; ok {
		close(done)
		delete(t.sweeping, h.conv)
	}
}

// close refuses every later call; the toolkit's Close deletes the
// sandboxes.
func (t *sessionTable) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	t.byMCP = map[*mcp.ServerSession]*agenttool.Session{}
	t.handles = map[string]*handleState{}
	t.swept = map[string]time.Time{}
}
