package proctest

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Helper is a copy of the running test binary that runs one helper test
// (an emulator to be killed, say) in a process of its own.
type Helper struct {
	Cmd *exec.Cmd
	out *bufio.Scanner
}

// StartHelper runs the test binary's test named name, with env added to
// this process's environment, and kills and reaps it when t ends, whatever
// the outcome. The helper's stderr is this process's.
func StartHelper(t testing.TB, name string, env ...string) *Helper {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$", "-test.v")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return &Helper{Cmd: cmd, out: bufio.NewScanner(out)}
}

// Line waits for the helper's first line of output that starts with
// prefix and a space, and returns the rest of it; "" when the helper ended
// without printing one.
func (h *Helper) Line(prefix string) string {
	for h.out.Scan() {
		if rest, ok := strings.CutPrefix(h.out.Text(), prefix+" "); ok {
			return rest
		}
	}
	return ""
}

// Kill kills the helper with SIGKILL, as a crash would, and reaps it.
func (h *Helper) Kill(t testing.TB) {
	t.Helper()
	if err := h.Cmd.Process.Kill(); err != nil { // SIGKILL on Unix
		t.Fatal(err)
	}
	_ = h.Cmd.Wait()
}
