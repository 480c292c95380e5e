package runtime

import (
	"context"
	"errors"
	"os"
	"sync/atomic"
	"syscall"
)

// zygote: Windows has no fork; canFork is false and no zygote starts. This
// file keeps the package building.
type zygote struct{ forks atomic.Int64 }

func startZygote(context.Context, interpConfig, string) (*zygote, error) {
	return nil, errors.New("runtime: no zygote on Windows")
}

func (*zygote) fork(context.Context, string, []*os.File) (int, error) {
	return 0, errors.ErrUnsupported
}
func (*zygote) reap(int) (syscall.WaitStatus, bool) { return syscall.WaitStatus{}, false }
func (*zygote) addressSpace() (int64, bool)         { return 0, false }
func (*zygote) gone() bool                          { return true }
func (*zygote) close()                              {}
func (*zygote) retire()                             {}
