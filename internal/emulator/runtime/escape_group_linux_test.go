package runtime

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"
)

// Code that moves its interpreter into another process group of the
// emulator's session (the zygote's) and blanks the tag in its environment
// block is still killed at its timeout: the session's supervisor gets the
// signal through its pidfd and kills its tree. (A design without the
// supervisor, tried on 2026-12-06, never ended this execution.)
func TestTimedOutInterpreterThatLeftItsGroupIsKilled(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	s, _, z := newForkedSession(t, f)
	code := fmt.Sprintf(`import os, ctypes
os.setpgid(0, %d)
libc = ctypes.CDLL(None)
environ = ctypes.POINTER(ctypes.c_void_p).in_dll(libc, "environ")
i = 0
while environ[i]:
    e = ctypes.string_at(environ[i])
    if e.startswith(b"AZSESSIONS_EMULATOR_GROUP="):
        ctypes.memset(environ[i] + 26, ord("x"), len(e) - 26)
    i += 1
while True:
    pass`, z.g.pid)
	pid := s.pid()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	res, err := s.Execute(ctx, Request{Code: code, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("Execute: %v (the interpreter was not killed at its timeout)", err)
	}
	if res.Outcome != OutcomeTimedOut {
		t.Errorf("outcome %s", res.Outcome)
	}
	waitGone(t, pid)
}
