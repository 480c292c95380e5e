package server

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// descendants lists the live processes descending from this test process,
// read from /proc; nil where /proc does not exist.
func descendants(t testing.TB) []int {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	parent := map[int]int{}
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // exited meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces, so cut at ')'.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		pid, _ := strconv.Atoi(strings.Fields(s)[0])
		ppid, _ := strconv.Atoi(f[1])
		parent[pid] = ppid
	}
	self := os.Getpid()
	var out []int
	for pid := range parent {
		for p := parent[pid]; p != 0; p = parent[p] {
			if p == self {
				out = append(out, pid)
				break
			}
			if _, ok := parent[p]; !ok {
				break
			}
		}
	}
	return out
}

// requireNoDescendants fails if a process started by the test is alive.
func requireNoDescendants(t testing.TB) {
	t.Helper()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Log("no /proc: process leak check skipped")
		return
	}
	if d := descendants(t); len(d) > 0 {
		cmds := []string{}
		for _, pid := range d {
			b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
			cmds = append(cmds, strconv.Itoa(pid)+": "+strings.ReplaceAll(string(b), "\x00", " "))
		}
		t.Fatalf("processes left behind:\n%s", strings.Join(cmds, "\n"))
	}
}

// cpuTicks sums the CPU time (user+system, in clock ticks) of pids.
func cpuTicks(pids []int) int64 {
	var sum int64
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 12 {
			u, _ := strconv.ParseInt(f[11], 10, 64)
			k, _ := strconv.ParseInt(f[12], 10, 64)
			sum += u + k
		}
	}
	return sum
}
