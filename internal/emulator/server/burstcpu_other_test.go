//go:build !unix

package server

import (
	"testing"
	"time"
)

// cpuKnown: selfCPU cannot measure on this system, so the burst benchmark
// reports no CPU figure.
const cpuKnown = false

// selfCPU reports no CPU time on this system.
func selfCPU(testing.TB) time.Duration { return 0 }
