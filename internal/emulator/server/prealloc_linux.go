package server

import (
	"os"
	"syscall"
)

// preallocate reserves size bytes of disk for f, which an upload is about
// to fill, without changing its length (FALLOC_FL_KEEP_SIZE). Blocks
// allocated up front are written in place: ext4 then neither reserves
// them page by page as the upload is written nor, when the upload replaces
// an existing file, forces the whole file's writeback at the rename
// (auto_da_alloc), which cost a 1 GiB replacement 0.2-0.3 s. It reports
// whether it reserved anything, for trimPrealloc. A file system that
// cannot preallocate is simply written as before.
func preallocate(f *os.File, size int64) bool {
	const keepSize = 0x1 // FALLOC_FL_KEEP_SIZE
	if size <= 0 {
		return false
	}
	return syscall.Fallocate(int(f.Fd()), keepSize, 0, size) == nil
}
