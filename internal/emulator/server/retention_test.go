package server

import (
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A session keeps its last executions to answer polls, but not their
// code: eight executions of 1 MiB of code each (the body may hold 64 MiB)
// leave the heap about where it was, where keeping the code held 8 MiB
// for as long as the history did (up to 100 executions a session).
func TestFinishedExecutionsKeepNoCode(t *testing.T) {
	e := newEnv(t, nil)
	pad := strings.Repeat("x", 1<<20) // the fake reads "sleep 0 xxx…" as sleep 0
	e.run("big", "print warm")
	before := liveHeap()
	for range 8 {
		require.Equal(t, "Succeeded", e.run("big", "sleep 0 "+pad)["status"])
	}
	after := liveHeap()
	growth := int64(after) - int64(before)
	t.Logf("live heap grew by %d KiB", growth>>10)
	require.Less(t, growth, int64(4<<20), "the session's history holds the executions' code")
}

// liveHeap is the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
