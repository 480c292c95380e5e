package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestKilledSupervisorLeavesNoProcess: code that kills its own process
// group with SIGKILL (the supervisor leads it) ends its interpreter and
// its supervisor at once; a process it had started in a session of its
// own, double-forked with an empty environment, is no longer anyone's
// descendant in the session, yet is killed with the session: the zygote,
// as subreaper, gets it and kills it. (Before, it was left running after
// Close.)
func TestKilledSupervisorLeavesNoProcess(t *testing.T) {
	t.Parallel()
	f := newPython(t, PythonOptions{})
	s, dir, _ := newForkedSession(t, f)
	py(t, s, strings.Join([]string{
		"import os, subprocess",
		"r, w = os.pipe()",
		"if os.fork() == 0:",
		"    os.setsid()",
		"    q = subprocess.Popen(['sleep', '300'], env={}, start_new_session=True,",
		"                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)",
		"    os.write(w, b'%d' % q.pid)",
		"    os._exit(0)",
		"os.close(w)",
		"open('/mnt/data/pid', 'w').write(os.read(r, 32).decode())",
	}, "\n"))
	b, err := os.ReadFile(filepath.Join(dir, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid := atoiPid(t, string(b))
	killAtCleanup(t, pid, "sleep")
	if processGone(pid) {
		t.Fatalf("process %d is already gone: the test proves nothing", pid)
	}
	res := run(t, s, Request{Code: "import os, signal\nos.killpg(0, signal.SIGKILL)"})
	if res.Outcome != OutcomeKernelRestarted {
		t.Errorf("outcome %s, want %s", res.Outcome, OutcomeKernelRestarted)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !deadOrZombie(pid) {
		t.Errorf("process %d outlived Close", pid)
	}
}
