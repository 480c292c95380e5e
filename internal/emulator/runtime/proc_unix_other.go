//go:build unix && !linux

package runtime

import "syscall"

// groupAttr puts the child in its own process group.
func groupAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// supervisorAttr is groupAttr: there is no parent-death signal here; the
// supervisor relies on its lifeline pipe.
func supervisorAttr() *syscall.SysProcAttr { return groupAttr() }
