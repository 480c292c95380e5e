//go:build !linux

package runtime

import "syscall"

// canWaitNoReap: without waitid(WNOWAIT) the group is killed right after
// its leader is reaped, which leaves a small window for pid reuse. The
// emulator targets Linux; this file only keeps the package building.
const canWaitNoReap = false

// canSubreap: only Linux has child subreapers, which a shell supervisor
// needs.
const canSubreap = false

// canMountNS: only Linux has the namespaces behind /mnt/data for shell
// commands; elsewhere they run in the session dir (cwd-only mode).
const canMountNS = false

// nsAttr is never used where canMountNS is false.
func nsAttr(bool) *syscall.SysProcAttr { return groupAttr() }

func waitExitedNoReap(int) {}

// canSweep: finding processes by their environment needs Linux's /proc.
const canSweep = false

func sweep(string) {}
