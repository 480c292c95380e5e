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
	pid := startEscapedSleep(t, s, dir)
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

// TestInterpreterKillingItsSupervisor: code that kills its supervisor
// (os.kill(os.getppid(), SIGKILL)) kills its kernel: the parent-death
// signal ends the interpreter as the supervisor dies. The run is reported
// as the kernel's death, whatever the cell managed to answer before it
// died; what the session had started is killed when the run returns; and
// the next run on the session is served by a new kernel, not answered
// with the death of the old one. (The cell's answer often outran its
// death: the run was reported a success and the next run, sent to the
// dying interpreter, a kernel restart.)
func TestInterpreterKillingItsSupervisor(t *testing.T) {
	eachStart(t, func(t *testing.T, opts PythonOptions) {
		f := newPython(t, opts)
		s, _ := newPySession(t, f)
		for i := range 3 {
			// Popen returns once the exec has begun, and /proc shows the
			// new program's environment (the tag a spawned interpreter's
			// sweep finds it by) only once the exec is done: wait for it.
			res := py(t, s, "import subprocess, time\n"+
				"p = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"+
				"while not open('/proc/%d/environ' % p.pid, 'rb').read():\n"+
				"    time.sleep(0.001)\n"+
				"p.pid")
			pid := atoiPid(t, res.Value.Repr)
			killAtCleanup(t, pid, "sleep")
			res = run(t, s, Request{Code: "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"})
			if res.Outcome != OutcomeKernelRestarted || res.Stderr != MessageKernelRestarted {
				t.Errorf("try %d: the run that killed its supervisor: %s %q, want %s", i, res.Outcome, res.Stderr, OutcomeKernelRestarted)
			}
			// Killed: a spawned interpreter's is init's to reap.
			if killed, _ := signalKilled(pid); !killed && !deadOrZombie(pid) {
				t.Errorf("try %d: process %d outlived the run that killed its kernel", i, pid)
			}
			if res := run(t, s, Request{Code: "1 + 1"}); res.Outcome != OutcomeSucceeded || res.Value.Repr != "2" {
				t.Errorf("try %d: the next run: %s %q %q", i, res.Outcome, res.Value.Repr, res.Stderr)
			}
		}
	})
}

// TestStoppedSupervisorStillKillsTheSession: code that stops its
// supervisor (SIGSTOP) and then ends its interpreter leaves the session to
// a supervisor that cannot act on the emulator's request to kill it: the
// emulator continues it (SIGCONT) along with the request, and it kills
// what the session started, even a process double-forked into a session
// of its own with an empty environment, which nothing else finds where no
// zygote is the subreaper above it (spawned interpreters). (Before, the
// supervisor stayed stopped until its group was killed outright after
// supervisorGrace, and that process was left running.)
func TestStoppedSupervisorStillKillsTheSession(t *testing.T) {
	eachStart(t, func(t *testing.T, opts PythonOptions) {
		f := newPython(t, opts)
		s, dir := newPySession(t, f)
		pid := startEscapedSleep(t, s, dir)
		res := run(t, s, Request{Code: "import os, signal\nos.kill(os.getppid(), signal.SIGSTOP)\nos._exit(3)"})
		if res.Outcome != OutcomeKernelRestarted {
			t.Errorf("outcome %s, want %s", res.Outcome, OutcomeKernelRestarted)
		}
		waitGone(t, pid)
		if res := run(t, s, Request{Code: "1 + 1"}); res.Value.Repr != "2" {
			t.Errorf("the next run: %+v", res)
		}
	})
}

// startEscapedSleep has session s start a sleep that left it every way
// code can: double-forked, in a session of its own, with an empty
// environment (no tag to be found by); it returns the sleep's pid, which
// the test kills at its end whatever happens. dir is s's area.
func startEscapedSleep(t *testing.T, s Session, dir string) int {
	t.Helper()
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
	return pid
}
