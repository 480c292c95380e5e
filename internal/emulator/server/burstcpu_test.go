package server

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cpuSnapshot is the CPU time used so far by this process (all its
// threads: the emulator and the benchmark's HTTP client) and by each live
// descendant (the zygote, session supervisors and interpreters).
type cpuSnapshot struct {
	self time.Duration
	kids map[int]time.Duration
}

// takeCPUSnapshot reads this process's rusage and each descendant's
// /proc/<pid>/schedstat (nanoseconds on the CPU; the processes it counts
// are single-threaded, so the main thread's figure is the process's).
func takeCPUSnapshot(b testing.TB) cpuSnapshot {
	b.Helper()
	s := cpuSnapshot{self: selfCPU(b), kids: map[int]time.Duration{}}
	for _, pid := range descendants(b) {
		raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/schedstat")
		if err != nil {
			continue // exited meanwhile, or no schedstat
		}
		f := strings.Fields(string(raw))
		if len(f) == 0 {
			continue
		}
		if ns, err := strconv.ParseInt(f[0], 10, 64); err == nil {
			s.kids[pid] = time.Duration(ns)
		}
	}
	return s
}

// cpuSince returns the CPU time the process tree used between before and
// now. A descendant that exited in between is not counted (a burst ends
// none); one that started in between is counted whole.
func cpuSince(b testing.TB, before cpuSnapshot) time.Duration {
	b.Helper()
	now := takeCPUSnapshot(b)
	used := now.self - before.self
	for pid, t := range now.kids {
		used += t - before.kids[pid]
	}
	return used
}
