//go:build unix

package server

import (
	"syscall"
	"testing"
	"time"
)

// cpuKnown: selfCPU measures on this system.
const cpuKnown = true

// selfCPU is the CPU time this process has used, all its threads.
func selfCPU(b testing.TB) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
