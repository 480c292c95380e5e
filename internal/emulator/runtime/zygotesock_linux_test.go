//go:build linux

package runtime

import (
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// TestZygoteSocketNotInheritedByAConcurrentExec: a command exec'd by
// another goroutine while zygote sockets are being made never inherits
// one (it could read other sessions' pipes off it and forge replies).
// Marked close-on-exec after creation, the sockets leaked into most of
// these commands.
func TestZygoteSocketNotInheritedByAConcurrentExec(t *testing.T) {
	const execs = 100
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for !done.Load() {
			conn, theirs, err := zygoteSocket()
			if err != nil {
				t.Error(err)
				return
			}
			conn.Close()
			theirs.Close()
		}
	})
	t.Cleanup(func() { done.Store(true); wg.Wait() })
	leaked := 0
	for range execs {
		// ls lists its own descriptors; exec.Cmd reaps it.
		out, err := exec.Command("ls", "-l", "/proc/self/fd/").Output()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(out), "socket:") {
			leaked++
		}
	}
	if leaked > 0 {
		t.Errorf("%d of %d commands exec'd concurrently inherited a zygote socket", leaked, execs)
	}
}
