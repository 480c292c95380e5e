//go:build linux

package runtime

import "testing"

// TestZygoteNotUsedUnderATightMemoryLimit: under a memory limit lower than
// what an IPython zygote's children start with plus their headroom, the
// session is spawned and works, as it would without a zygote; a forked one
// could run nothing. The limit leaves a spawned interpreter room to work
// whichever kernel it gets: at 48 MB a spawned one whose IPython import
// failed could itself run out about one time in ten.
func TestZygoteNotUsedUnderATightMemoryLimit(t *testing.T) {
	t.Parallel()
	const limit = 80 << 20
	// KernelAuto (newPython would make it plain): the zygote loads IPython.
	f, err := NewPython(PythonOptions{Python: kernelPython(t), MemoryLimitBytes: limit})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	s, _ := newPySession(t, f)
	if res := run(t, s, Request{Code: "6 * 7"}); res.Outcome != OutcomeSucceeded || res.Value.Repr != "42" {
		t.Errorf("under a %d MB limit: %s %q %q", limit>>20, res.Outcome, res.Value.Repr, res.Stderr)
	}
	if spawns, forks := f.spawns.Load(), f.forks.Load(); spawns != 1 || forks != 0 {
		t.Errorf("%d spawned, %d forked; want 1 and 0", spawns, forks)
	}
}
