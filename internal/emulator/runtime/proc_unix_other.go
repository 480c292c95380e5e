//go:build unix && !linux

package runtime

import "syscall"

// groupAttr puts the child in its own process group.
func groupAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
