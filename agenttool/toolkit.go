package agenttool

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/seed-f3fa2c9d/azsessions"
)

// Toolkit offers a session pool to a model as a set of tools. Make one per
// pool with New; it is safe for concurrent use.
type Toolkit struct {
	client *azsessions.Client
	exec   *azsessions.ExecutionClient
	files  *azsessions.FilesClient
	pool   *azsessions.SessionsClient
	set    settings
	defs   []Definition
	// askCap: the client's api-version has outputStreamsMaxLength.
	askCap bool

	mu       sync.Mutex
	sessions map[string]*Session // what Session returns, by conversation
	// others: sessions in use whose conversation has another *Session in
	// sessions (a host kept one across its Close and asked Session again),
	// so that Close deletes their sandboxes too.
	others map[*Session]struct{}

	infoMu sync.Mutex
	info   *azsessions.PoolMetadata // cached after the first success

	// nonce and generations make the identifiers sessions move to after a
	// reset or a close (generations 1, 2, ...) unique to this toolkit and
	// to one *Session: two *Session values of one conversation (a host kept
	// one across its Close) never share a sandbox.
	nonce       [16]byte
	generations atomic.Uint64
}

// New returns a toolkit that runs the model's code in client's pool.
// options may be nil; New fails on options it cannot use.
func New(client *azsessions.Client, options *Options) (*Toolkit, error) {
	if client == nil {
		return nil, errors.New("agenttool: client is nil")
	}
	set, err := newSettings(options)
	if err != nil {
		return nil, err
	}
	if set.key == nil {
		set.key = make([]byte, 32)
		if _, err := rand.Read(set.key); err != nil {
			return nil, fmt.Errorf("agenttool: making a key: %w", err)
		}
	}
	t := &Toolkit{
		client:   client,
		exec:     client.NewExecutionClient(),
		files:    client.NewFilesClient(),
		pool:     client.NewSessionsClient(),
		set:      set,
		sessions: map[string]*Session{},
		others:   map[*Session]struct{}{},
		askCap:   hasOutputCap(client.APIVersion()),
	}
	if _, err := rand.Read(t.nonce[:]); err != nil {
		return nil, fmt.Errorf("agenttool: making a nonce: %w", err)
	}
	t.defs = definitions(set)
	return t, nil
}

// Session returns the session of one conversation: the same conversation
// id always gives the same *Session, and two ids never share a sandbox.
// The sandbox is made by the pool on first use.
func (t *Toolkit) Session(conversationID string) *Session {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s, ok := t.sessions[conversationID]; ok {
		return s
	}
	s := newSession(t, conversationID)
	t.sessions[conversationID] = s
	return s
}

// Close deletes the sandbox of every session the toolkit made. Sessions
// can be used again afterwards: they start clean.
func (t *Toolkit) Close(ctx context.Context) error {
	t.mu.Lock()
	all := make([]*Session, 0, len(t.sessions)+len(t.others))
	for _, s := range t.sessions {
		all = append(all, s)
	}
	for s := range t.others {
		all = append(all, s)
	}
	t.mu.Unlock()
	var errs []error
	for _, s := range all {
		if err := s.Close(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// track puts s back in the toolkit's set when a call uses it after Close
// took it out, so Toolkit.Close finds every sandbox in use.
func (t *Toolkit) track(s *Session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch cur, ok := t.sessions[s.conversation]; {
	case !ok:
		t.sessions[s.conversation] = s
	case cur != s:
		t.others[s] = struct{}{}
	}
}

// untrack forgets a session whose sandbox was deleted, so a long-lived
// toolkit does not keep an entry for every conversation it ever served.
func (t *Toolkit) untrack(s *Session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sessions[s.conversation] == s {
		delete(t.sessions, s.conversation)
	}
	delete(t.others, s)
}

// identifier derives the session identifier of a conversation's
// generation: the prefix and 128 bits of HMAC-SHA256, so only the key's
// holder can name a conversation's sandbox. Generation 0, where every
// conversation starts, depends on the key and the conversation alone, so
// toolkits that share the key find its sandbox; later ones, which this
// toolkit hands out once each (nextGeneration), also on its nonce. Lengths
// are fixed or encoded, so no two inputs are the same.
func (t *Toolkit) identifier(conversationID string, generation uint64) string {
	mac := hmac.New(sha256.New, t.set.key)
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(conversationID)))
	mac.Write(n[:])
	mac.Write([]byte(conversationID))
	binary.BigEndian.PutUint64(n[:], generation)
	mac.Write(n[:])
	if generation > 0 {
		mac.Write(t.nonce[:])
	}
	return t.set.identifierPrefix + hex.EncodeToString(mac.Sum(nil)[:16])
}

// nextGeneration is a generation no session of this toolkit had before,
// whatever its conversation.
func (t *Toolkit) nextGeneration() uint64 { return t.generations.Add(1) }
