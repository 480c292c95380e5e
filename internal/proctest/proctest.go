// Package proctest reads Linux's /proc for the tests that prove no process
// outlives what started it. Elsewhere /proc is missing: every process then
// looks gone and no child is listed.
package proctest

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// stat returns pid's state letter ("Z" for a zombie) and its parent's pid,
// from /proc/<pid>/stat; ok is false when pid does not exist.
func stat(pid string) (state string, ppid int, ok bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return "", 0, false
	}
	// The command name, in parentheses, may hold spaces and parentheses:
	// the fields that follow start after the last ')'.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return "", 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	return f[0], ppid, true
}

// Alive reports whether pid exists and has not exited (a zombie awaiting
// its reaper has).
func Alive(pid int) bool {
	state, _, ok := stat(strconv.Itoa(pid))
	return ok && state != "Z"
}

// Children lists the live children of pid.
func Children(pid int) []int {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var out []int
	for _, d := range dirs {
		name := filepath.Base(d)
		if state, ppid, ok := stat(name); ok && state != "Z" && ppid == pid {
			child, _ := strconv.Atoi(name)
			out = append(out, child)
		}
	}
	return out
}

// KillIfRunning kills pid if it still runs prog (the base name of its
// argv[0]), so that a test that failed leaves nothing behind. The name
// check keeps a recycled pid of another program safe.
func KillIfRunning(pid int, prog string) {
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return
	}
	argv0, _, _ := strings.Cut(string(cmdline), "\x00")
	if filepath.Base(argv0) != prog {
		return
	}
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill()
	}
}
