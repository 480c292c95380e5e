package runtime

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// osThreads reads how many OS threads this process has.
func osThreads(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no Threads line in /proc/self/status")
	return 0
}

// TestIdleSessionsHoldNoThread: a live session waits for its interpreter
// to exit through the poller, not in a blocking system call, so idle
// sessions cost no OS thread each.
func TestIdleSessionsHoldNoThread(t *testing.T) {
	f := newPython(t, PythonOptions{})
	const sessions = 24
	ss := make([]Session, sessions)
	for i := range ss {
		s, _ := newPySession(t, f)
		py(t, s, "1")
		ss[i] = s
	}
	before := osThreads(t)
	for range sessions {
		s, _ := newPySession(t, f)
		py(t, s, "1")
	}
	// The Go runtime may start a few threads of its own; one per session
	// would be 24.
	if grown := osThreads(t) - before; grown > sessions/3 {
		t.Errorf("%d more OS threads after %d more idle sessions", grown, sessions)
	}
}
