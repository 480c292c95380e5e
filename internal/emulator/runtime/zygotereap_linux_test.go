//go:build linux

package runtime

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestZygoteReapWaitsForTheExit: asked to reap a child that has not quite
// exited (Go asks once the child's pidfd shows the exit, which may come
// before the child is waitable), the zygote waits for the exit and answers
// the wait status, rather than "still running" (which left a zombie and
// lost the status, as Go never asks again).
func TestZygoteReapWaitsForTheExit(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	s, _, z := newForkedSession(t, f)
	wchan := "/proc/" + strconv.Itoa(z.g.pid) + "/wchan"
	// Where the zygote sleeps: in recvmsg while idle, in poll while it
	// waits for a child.
	idle, err := os.ReadFile(wchan)
	if err != nil || string(idle) == "0" {
		t.Skipf("cannot see where the zygote sleeps: %q %v", idle, err)
	}
	type answer struct {
		rep zygoteReply
		err error
	}
	answered := make(chan answer, 1)
	leader := s.pid()
	go func() {
		rep, err := z.request(guardCtx(t), z.exchangeTimeout(), zygoteRequest{Op: "reap", Arg: strconv.Itoa(leader)}, nil)
		answered <- answer{rep, err}
	}()
	waitFor(t, "the zygote to wait for its child", func() bool {
		select {
		case a := <-answered:
			t.Fatalf("answered before the child exited: %+v %v", a.rep, a.err)
		default:
		}
		w, _ := os.ReadFile(wchan)
		return strings.HasPrefix(string(w), "poll_schedule")
	})
	if err := syscall.Kill(leader, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	a := <-answered
	if a.err != nil || a.rep.Status == nil {
		t.Fatalf("reap: %+v %v", a.rep, a.err)
	}
	if ws := syscall.WaitStatus(*a.rep.Status); !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Errorf("wait status %v, want killed by SIGKILL", ws)
	}
}

// TestZygoteReapOfARunningChildIsAnError: a child that does not exit is
// not waited for forever; the zygote answers an error and serves on.
func TestZygoteReapOfARunningChildIsAnError(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	s, _, z := newForkedSession(t, f)
	for _, pid := range []int{s.pid(), os.Getpid(), 0, -1} {
		rep, err := z.request(guardCtx(t), time.Minute, zygoteRequest{Op: "reap", Arg: strconv.Itoa(pid)}, nil)
		if err != nil || rep.Status != nil || rep.Error == "" {
			t.Errorf("reap of %d: %+v %v, want an error", pid, rep, err)
		}
	}
	s2, _ := newPySession(t, f)
	if res := py(t, s2, "1 + 1"); res.Value.Repr != "2" || ppid(t, s2.pid()) != z.g.pid {
		t.Errorf("after the failed reaps: %+v, parent %d", res.Value, ppid(t, s2.pid()))
	}
}
