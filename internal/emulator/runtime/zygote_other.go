//go:build !linux

package runtime

import (
	"errors"
	"os"
	"syscall"
)

// canFork: interpreters are forked by a zygote only on Linux, where a
// pidfd shows the exit of a process that is not the emulator's child.
func canFork() bool { return false }

// waitNonChildExited is never called where canFork is false.
func waitNonChildExited(int, *os.File) {}

// openPidfd: no pidfds here.
func openPidfd(int) *os.File { return nil }

// pidfdSignal is never called: there are no pidfds here.
func pidfdSignal(*os.File, syscall.Signal) error { return errors.ErrUnsupported }

// addressSpace: no zygote is started here.
func addressSpace(int) (int64, bool) { return 0, false }
