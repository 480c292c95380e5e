//go:build linux

package runtime

import "testing"

// TestZygoteNotUsedUnderATightMemoryLimit: under a memory limit lower than
// what an IPython zygote's children start with, the session is spawned
// and works (with the plain kernel, IPython not fitting), as it would
// without a zygote; a forked one could run nothing.
func TestZygoteNotUsedUnderATightMemoryLimit(t *testing.T) {
	t.Parallel()
	// KernelAuto (newPython would make it plain): the zygote loads IPython.
	f, err := NewPython(PythonOptions{Python: kernelPython(t), MemoryLimitBytes: 48 << 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	s, _ := newPySession(t, f)
	if res := run(t, s, Request{Code: "6 * 7"}); res.Outcome != OutcomeSucceeded || res.Value.Repr != "42" {
		t.Errorf("under a 48 MB limit: %s %q %q", res.Outcome, res.Value.Repr, res.Stderr)
	}
	if s.ip.ipython {
		t.Error("IPython runs under 48 MB: forked from the zygote, not spawned")
	}
	if spawns, forks := f.spawns.Load(), f.forks.Load(); spawns != 1 || forks != 0 {
		t.Errorf("%d spawned, %d forked; want 1 and 0", spawns, forks)
	}
}
