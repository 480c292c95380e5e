package proctest

import (
	"os"
	"os/exec"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// A child started here is listed and alive until killed; once reaped it
// is neither.
func TestChildrenAliveAndKill(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	cmd := exec.Command("sleep", "300")
	require.NoError(t, cmd.Start())
	pid := cmd.Process.Pid
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	require.True(t, Alive(pid))
	require.True(t, slices.Contains(Children(os.Getpid()), pid))

	KillIfRunning(pid, "not-sleep")
	require.True(t, Alive(pid), "another program's name leaves it running")
	KillIfRunning(pid, "sleep")
	_ = cmd.Wait()
	require.False(t, Alive(pid))
	require.False(t, slices.Contains(Children(os.Getpid()), pid))
}
