//go:build !linux

package runtime

import "syscall"

// canWaitNoReap: without waitid(WNOWAIT) the group is killed right after
// its leader is reaped, which leaves a small window for pid reuse. The
// emulator targets Linux; this file only keeps the package building.
const canWaitNoReap = false

// groupAttr puts the child in its own process group.
func groupAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func waitExitedNoReap(int) {}
