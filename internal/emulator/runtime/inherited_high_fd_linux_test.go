package runtime

import (
	"strings"
	"syscall"
	"testing"
)

// A forked interpreter does not list /proc/self/fd, and the zygote's
// _place closes only up to RLIMIT_NOFILE's soft limit; Go raises its own
// soft limit at start but gives children the original one. A descriptor
// without close-on-exec above that limit, in a program that embeds the
// emulator, must still not reach a forked session: the zygote closes it
// when it starts. Not parallel: it changes the process's descriptor limit.
func TestHighInheritedDescriptorIsClosed(t *testing.T) {
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	const high = 4000
	if old.Cur <= high {
		t.Skip("soft descriptor limit too low")
	}
	if err := syscall.Dup2(2, high); err != nil { // no close-on-exec
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(high) })
	low := old
	low.Cur = 1024 // what children of a Go program get where the shell's soft limit is 1024
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &low); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old) })
	f := newPython(t, PythonOptions{})
	s, _, _ := newForkedSession(t, f)
	res := py(t, s, "import os\ntry:\n    os.fstat(4000)\n    print('open')\nexcept OSError:\n    print('closed')")
	if got := strings.TrimSpace(res.Stdout); got != "closed" {
		t.Errorf("descriptor 4000 inherited without close-on-exec is %s in a forked session", got)
	}
}
