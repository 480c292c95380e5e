//go:build unix

package main

import (
	"os"
	"strconv"
	"syscall"
)

// closeInheritedOnExec marks every descriptor above stderr close-on-exec,
// so that none the emulator inherited from its parent (a tool's, a CI
// runner's, make's jobserver) reaches the programs it runs: a cwd-only
// shell command without a supervisor has nothing else to close them. The
// emulator's own descriptors are close-on-exec already, and Go hands a
// child the ones it needs with dup2, which clears the flag on the copy.
func closeInheritedOnExec() {
	for _, dir := range []string{"/proc/self/fd", "/dev/fd"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
				syscall.CloseOnExec(fd)
			}
		}
		return
	}
}
