//go:build !linux

package runtime

// canFork: interpreters are forked by a zygote only on Linux, where a
// pidfd shows the exit of a process that is not the emulator's child.
func canFork() bool { return false }

// waitNonChildExited is never called where canFork is false.
func waitNonChildExited(int) {}
