package agenttool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/seed-f3fa2c9d/azsessions"
)

// Session is the sandbox of one conversation. Its methods are safe for
// concurrent use; calls run one at a time, in the order they get the
// session, as in a notebook.
type Session struct {
	t            *Toolkit
	conversation string
	turn         chan struct{} // held by the call in progress

	idMu sync.Mutex
	id   string

	// Guarded by turn.
	used     bool                 // a sandbox may exist under id
	snapshot map[string]fileState // files as last seen; nil: unknown
	// abandoned is what runs the host cancelled may still hold of the
	// sandbox: the pool goes on with them until their limit, and runs the
	// next after them.
	abandoned abandonedRuns
}

func newSession(t *Toolkit, conversation string) *Session {
	return &Session{t: t, conversation: conversation, turn: make(chan struct{}, 1), id: t.identifier(conversation, 0)}
}

// Identifier returns the session identifier the pool knows the sandbox by,
// for the host's logs. Reset and Close move the session to a new one.
func (s *Session) Identifier() string {
	s.idMu.Lock()
	defer s.idMu.Unlock()
	return s.id
}

// acquire waits for the session's turn, or for ctx to end.
func (s *Session) acquire(ctx context.Context) error {
	select {
	case s.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Session) release() { <-s.turn }

// hostError reports whether err is one the model cannot fix, to return as a
// Go error, rather than a mistake in its arguments (a missing file, a name
// the service refuses), to return as an IsError result.
func hostError(err error) bool {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		switch re.StatusCode {
		case http.StatusBadRequest, http.StatusNotFound, http.StatusConflict, http.StatusRequestEntityTooLarge:
			return false
		}
		return true
	}
	return !errors.Is(err, azsessions.ErrInvalidFileName) && !errors.Is(err, azsessions.ErrInvalidPath) && !errors.Is(err, azsessions.ErrInvalidArgument)
}

// serviceProblem words an error the model can fix: the status, the error
// code and the pool's own message, without the request, and with the
// session identifier masked.
func (s *Session) serviceProblem(err error) string {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		what := poolStatus(re)
		if msg := poolMessage(re, s.Identifier()); msg != "" {
			what += ": " + msg
		}
		return what
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "azsessions: ")
	return msg
}

// poolStatus words the status and error code of the pool's answer.
func poolStatus(re *azcore.ResponseError) string {
	switch {
	case re.StatusCode == http.StatusNotFound:
		return "not found"
	case re.StatusCode == http.StatusRequestEntityTooLarge:
		return "too large for the pool"
	case re.ErrorCode != "":
		return fmt.Sprintf("the pool refused it (%d %s)", re.StatusCode, re.ErrorCode)
	}
	return fmt.Sprintf("the pool refused it (HTTP %d)", re.StatusCode)
}

// maxPoolMessage bounds the pool's error message quoted to the model.
const maxPoolMessage = 300

// poolMessage is the message of the pool's error body ({"error":
// {"message"}} or {"message"}), on one line, with the identifier masked.
func poolMessage(re *azcore.ResponseError, identifier string) string {
	if re.RawResponse == nil {
		return ""
	}
	body, err := runtime.Payload(re.RawResponse)
	if err != nil || len(body) == 0 {
		return ""
	}
	var v struct {
		Message string `json:"message"`
		Error   *struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	msg := v.Message
	if v.Error != nil && v.Error.Message != "" {
		msg = v.Error.Message
	}
	if identifier != "" {
		msg = strings.ReplaceAll(msg, identifier, "<session>")
	}
	msg = oneLine(msg)
	if utf8.RuneCountInString(msg) > maxPoolMessage {
		msg = string([]rune(msg)[:maxPoolMessage]) + "..."
	}
	return msg
}

func isNotFound(err error) bool {
	var re *azcore.ResponseError
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}

// Reset deletes the sandbox: variables, imports and files are gone, and the
// next call starts in a fresh one under a new identifier.
func (s *Session) Reset(ctx context.Context) (Result, error) {
	if err := s.acquire(ctx); err != nil {
		return Result{}, err
	}
	defer s.release()
	if err := s.deleteLocked(ctx); err != nil {
		return Result{}, err
	}
	l := newLayout("succeeded")
	l.line("The session was reset: variables, imports and the files in /mnt/data are gone. The next call starts in a fresh sandbox.")
	return Result{Text: l.String(), Structured: &ResetOutput{Reset: true}}, nil
}

// Close deletes the sandbox the session used, if any, and moves the session
// to a new identifier. The Session can be used again: the next call starts
// clean. Until then the Toolkit holds nothing of it, and Toolkit.Session
// may return a new *Session for the same conversation, which never shares
// a sandbox with this one; Toolkit.Close deletes the sandboxes of both.
func (s *Session) Close(ctx context.Context) error {
	if err := s.acquire(ctx); err != nil {
		return err
	}
	defer s.release()
	if s.used {
		if err := s.deleteLocked(ctx); err != nil {
			return err
		}
	} else {
		// Off the conversation's first identifier even so: a *Session
		// Toolkit.Session makes for it from now on starts there.
		s.moveOn()
	}
	s.t.untrack(s)
	return nil
}

// deleteLocked deletes the current sandbox (a missing one is fine) and
// moves the session on, so nothing of the old sandbox can reach the next
// call.
func (s *Session) deleteLocked(ctx context.Context) error {
	id := s.Identifier()
	if _, err := s.t.pool.Delete(ctx, id, nil); err != nil && !isNotFound(err) {
		return fmt.Errorf("agenttool: deleting session %s: %w", id, err)
	}
	s.moveOn()
	return nil
}

// moveOn moves the session to an identifier of a generation no session of
// the toolkit had, with nothing of the old sandbox; callers hold the turn.
func (s *Session) moveOn() {
	s.used = false
	s.snapshot = map[string]fileState{}
	s.abandoned = abandonedRuns{} // cancelled runs went with the old sandbox
	id := s.t.identifier(s.conversation, s.t.nextGeneration())
	s.idMu.Lock()
	s.id = id
	s.idMu.Unlock()
}

// useTurn waits for the session's turn, or for ctx to end, and marks the
// session used: the call may make the pool create its sandbox. The caller
// must call release when done.
func (s *Session) useTurn(ctx context.Context) (release func(), err error) {
	if err := s.acquire(ctx); err != nil {
		return nil, err
	}
	s.use()
	return s.release, nil
}

// onPath parses path with parse and runs do on it in the session's turn,
// the session marked used (see useTurn). A path the sandbox would refuse is
// an IsError result, given before waiting for the turn.
func (s *Session) onPath(ctx context.Context, path string, parse func(string) (sandboxPath, error), do func(sandboxPath) (Result, error)) (Result, error) {
	p, err := parse(path)
	if err != nil {
		return errorResult("%v", err), nil
	}
	release, err := s.useTurn(ctx)
	if err != nil {
		return Result{}, err
	}
	defer release()
	return do(p)
}

// fetch starts the download of the file at p.
func (s *Session) fetch(ctx context.Context, p sandboxPath) (azsessions.FilesClientDownloadResponse, error) {
	return s.t.files.Download(ctx, s.Identifier(), p.name, &azsessions.FilesClientDownloadOptions{Path: p.dirOption()})
}

// use marks the session as holding a sandbox; callers hold the turn.
func (s *Session) use() {
	if !s.used {
		s.used = true
		s.t.track(s)
	}
}
