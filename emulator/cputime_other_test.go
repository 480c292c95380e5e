//go:build !unix

package emulator_test

import "time"

// processCPU reports the CPU time as unknown on this system.
func processCPU() (time.Duration, bool) { return 0, false }
