package emulator

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/proctest"
)

// socketToKillEnv makes TestHelperEmulatorWithSocketToKill act as an
// in-process emulator to be killed.
const socketToKillEnv = "AZSESSIONS_TEST_EMULATOR_SOCKET_TO_KILL"

// TestHelperEmulatorWithSocketToKill is not a test: it is the process that
// TestKilledEmulatorLeavesNoSocketDirectory kills. It starts an in-process
// emulator (socket on, as emulator.Start has it by default), prints the
// socket's directory and waits to be killed.
func TestHelperEmulatorWithSocketToKill(t *testing.T) {
	if os.Getenv(socketToKillEnv) == "" {
		t.Skip("a helper process of TestKilledEmulatorLeavesNoSocketDirectory")
	}
	e, err := Start(&Options{PoolType: PoolTypeShell})
	require.NoError(t, err)
	require.NotNil(t, e.socket)
	fmt.Printf("SOCKETDIR %s\n", e.socket.dir)
	select {}
}

// A program that embeds the emulator and dies without Close (kill -9, a go
// test -timeout, Ctrl-C, os.Exit) leaves nothing behind once the next
// emulator starts (issue 7, item 9): that start removes the session areas
// of emulators that are no longer running, and it must remove the dead
// one's socket directory too.
func TestKilledEmulatorLeavesNoSocketDirectory(t *testing.T) {
	// A short temporary directory of the test's own, so that the socket's
	// path fits and no other emulator shares it.
	tmp, err := os.MkdirTemp("", "rvsock")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(tmp) })

	h := proctest.StartHelper(t, "TestHelperEmulatorWithSocketToKill", socketToKillEnv+"=1", "TMPDIR="+tmp)
	dir := h.Line("SOCKETDIR")
	require.NotEmpty(t, dir, "the helper printed no socket directory")
	require.DirExists(t, dir)
	h.Kill(t)

	// The next emulator on the same temporary directory.
	t.Setenv("TMPDIR", tmp)
	next, err := Start(&Options{PoolType: PoolTypeShell, DisableUnixSocket: true})
	require.NoError(t, err)
	require.NoError(t, next.Close())
	_, err = os.Stat(dir)
	require.True(t, errors.Is(err, os.ErrNotExist),
		"the killed emulator's socket directory %s is still there after the next start (%v)", dir, err)
}
