//go:build linux

package runtime

import "testing"

// TestZygoteRecycledAfterItsForks: a zygote forks a bounded number of
// interpreters, which share its string hash secret; the next session is
// forked by a new zygote, with a secret of its own. The old zygote lives
// on until the sessions it forked are gone.
func TestZygoteRecycledAfterItsForks(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	f.zygotes.forks = 2
	const code = "hash('azsessions')"
	a, _ := newPySession(t, f)
	b, _ := newPySession(t, f)
	first := zygotePid(f)
	c, _ := newPySession(t, f)
	second := zygotePid(f)
	if ppid(t, a.pid()) != first || ppid(t, b.pid()) != first || ppid(t, c.pid()) != second || second == first {
		t.Fatalf("parents %d, %d, %d; zygotes %d then %d", ppid(t, a.pid()), ppid(t, b.pid()), ppid(t, c.pid()), first, second)
	}
	ha, hb, hc := py(t, a, code).Value.Repr, py(t, b, code).Value.Repr, py(t, c, code).Value.Repr
	if ha != hb {
		t.Errorf("two sessions of one zygote: hashes %s and %s", ha, hb)
	}
	if hc == ha {
		t.Errorf("the new zygote's session has the old one's hash secret (%s)", hc)
	}
	if processGone(first) {
		t.Error("the retired zygote exited while its sessions live")
	}
	a.Close()
	b.Close()
	waitGone(t, first)
	if spawns, forks := f.spawns.Load(), f.forks.Load(); spawns != 0 || forks != 3 {
		t.Errorf("%d spawned, %d forked; want 0 and 3", spawns, forks)
	}
}
