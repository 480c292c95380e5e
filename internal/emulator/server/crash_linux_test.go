package server

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/proctest"
)

// killedChildEnv makes TestHelperServerToKill act as an emulator to be
// killed; its value is the Config.Root to use.
const killedChildEnv = "AZSESSIONS_TEST_SERVER_TO_KILL"

// TestHelperServerToKill is not a test: TestKilledServerLeavesNothing runs
// the test binary on it as an emulator with a Python session whose code left
// a process outside its group; it prints the area and the pids and waits to
// be killed.
func TestHelperServerToKill(t *testing.T) {
	root := os.Getenv(killedChildEnv)
	if root == "" {
		t.Skip("a helper process of TestKilledServerLeavesNothing")
	}
	s, err := New(Config{Root: root, PoolType: PoolTypePython})
	require.NoError(t, err)
	hs := httptest.NewServer(s)
	e := &env{t: t, srv: s, http: hs, token: "t"}
	m := e.run("doomed", "import os, subprocess\np = subprocess.Popen(['sleep', '300'], start_new_session=True)\nprint(os.getpid(), p.pid)")
	fmt.Printf("AREA %s PIDS %s\n", s.ownedRoot, strings.TrimSpace(result(m)["stdout"].(string)))
	select {}
}

// TestKilledServerLeavesNothing kills an emulator with SIGKILL: the
// processes of its sessions die, and the next emulator started on the same
// root removes the dead one's area while keeping a live one's.
func TestKilledServerLeavesNothing(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	root := t.TempDir()
	live, err := New(Config{Root: root, Factory: newFakeFactory()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = live.Close() })

	h := proctest.StartHelper(t, "TestHelperServerToKill", killedChildEnv+"="+root)
	f := strings.Fields(h.Line("AREA"))
	require.Len(t, f, 4, "the helper's AREA line")
	area := f[0]
	var pids []int
	for _, p := range f[2:] {
		pid, err := strconv.Atoi(p)
		require.NoError(t, err)
		pids = append(pids, pid)
	}
	require.NotEmpty(t, area, "the helper printed no area")
	for _, pid := range pids {
		t.Cleanup(func() { proctest.KillIfRunning(pid, "sleep") })
		require.False(t, !proctest.Alive(pid), "process %d gone before the kill", pid)
	}
	h.Kill(t)
	for _, pid := range pids {
		eventually(t, func() bool { return !proctest.Alive(pid) }, fmt.Sprintf("process %d to die with the emulator", pid))
	}
	_, err = os.Stat(area)
	require.NoError(t, err, "the killed emulator's area is there until the next start")

	next, err := New(Config{Root: root, Factory: newFakeFactory()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = next.Close() })
	_, err = os.Stat(area)
	require.True(t, errors.Is(err, os.ErrNotExist), "the dead emulator's area is still there: %v", err)
	_, err = os.Stat(live.ownedRoot)
	require.NoError(t, err, "a live emulator's area was removed")
	_, err = os.Stat(filepath.Join(next.ownedRoot, ownerFile))
	require.NoError(t, err, "the new area is not marked")
}
