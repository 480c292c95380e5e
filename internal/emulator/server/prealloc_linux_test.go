package server

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// An upload of known length has its disk reserved before it is written
// (so that ext4 neither reserves it page by page nor forces the writeback
// of a replaced file at the rename), and the stored file keeps no more disk
// than its content needs: the reservation past its end, which covered the
// request's boundaries, is given back.
func TestUploadReservesDiskAndGivesBackTheRest(t *testing.T) {
	e := newEnv(t, nil)
	content := strings.Repeat("x", 3<<20+123)
	for range 2 { // the second replaces the first
		before := e.srv.stats.reserved.Load()
		r := e.upload("prealloc", "", "big.bin", content)
		require.Equal(t, http.StatusOK, r.status, "%s", r.body)
		require.Equal(t, before+1, e.srv.stats.reserved.Load(), "uploads with their disk reserved up front")
	}
	info, err := os.Stat(filepath.Join(e.sessionDir("prealloc"), "big.bin"))
	require.NoError(t, err)
	require.Equal(t, int64(len(content)), info.Size())
	// Blocks of 512 bytes, whatever the file system's block size; ext4
	// rounds the content up to its 4 KiB blocks.
	used := info.Sys().(*syscall.Stat_t).Blocks * 512
	require.LessOrEqual(t, used, int64(len(content))+64<<10, "disk used by the stored file")
}
