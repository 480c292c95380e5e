package server

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// A server with its own root still removes the directories that dead
// in-process emulators left in the temporary directory (their sockets'),
// and leaves those of live ones.
func TestNewWithRootSweepsStaleDirectoriesOfTheTempDir(t *testing.T) {
	stale := markedTempDir(t, areaOwner{PID: os.Getpid(), Start: "an earlier process"})
	live := markedTempDir(t, areaOwner{PID: os.Getpid(), Start: mustStart(t)})

	s, err := New(Config{Root: t.TempDir(), Factory: newFakeFactory()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })

	_, err = os.Stat(stale)
	require.True(t, errors.Is(err, os.ErrNotExist), "a dead emulator's directory is still in %s: %v", os.TempDir(), err)
	_, err = os.Stat(live)
	require.NoError(t, err, "a live emulator's directory was removed")
}

// markedTempDir makes a directory of the temporary directory as an
// in-process emulator's socket directory, marked as owner's.
func markedTempDir(t *testing.T, owner areaOwner) string {
	t.Helper()
	dir, err := os.MkdirTemp("", areaPrefix+"socket-test-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	b, err := json.Marshal(owner)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, ownerFile), b, 0o600))
	return dir
}

func mustStart(t *testing.T) string {
	t.Helper()
	start, ok := processStart(os.Getpid())
	require.True(t, ok && start != "", "this process's start time cannot be read")
	return start
}
