//go:build linux

package runtime

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestShellSupervisorIgnoresSessionDirModules: the supervisor runs in the
// session dir, which user code and uploads write; modules there named like
// the ones it imports must not run inside it.
func TestShellSupervisorIgnoresSessionDirModules(t *testing.T) {
	t.Parallel()
	shellModes(t, func(t *testing.T, m shellMode) {
		s, dir, _ := newShellSession(t, m)
		shadow := "import os\nos.write(1, b'shadowed\\n')\nos._exit(3)\n"
		for _, name := range []string{"select.py", "ctypes.py", "signal.py", "resource.py"} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(shadow), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		res := run(t, s, Request{ShellCommand: "echo hello"})
		if res.Outcome != OutcomeSucceeded || res.ExitCode != 0 || res.Stdout != "hello\n" {
			t.Errorf("outcome %s exit %d stdout %q stderr %q", res.Outcome, res.ExitCode, res.Stdout, res.Stderr)
		}
	})
}

// inheritedFile opens a file of the test's without close-on-exec, as a
// descriptor the emulator inherited from its parent would be, and returns
// its path; the descriptor is closed at cleanup.
func inheritedFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(realDir(t), "inherited")
	fd, err := syscall.Open(path, syscall.O_CREAT|syscall.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	return path
}

// TestShellInheritedDescriptors: a command sees stdin, stdout and stderr,
// none of the descriptors the emulator inherited without close-on-exec,
// except in cwd-only mode without a supervisor, which documents that.
func TestShellInheritedDescriptors(t *testing.T) {
	t.Parallel()
	path := inheritedFile(t)
	shellModes(t, func(t *testing.T, m shellMode) {
		if m == modeBare {
			t.Skip("cwd-only mode without a supervisor passes them on (docs/emulator.md)")
		}
		s, _, _ := newShellSession(t, m)
		// "; :" keeps bash from becoming ls, so ls lists the shell's.
		res := run(t, s, Request{ShellCommand: "ls -l /proc/$$/fd; :"})
		if strings.Contains(res.Stdout, path) {
			t.Errorf("the command has the inherited file open:\n%s", res.Stdout)
		}
		// No pipeline: bash would hold a pipe's end open while ls lists
		// its descriptors.
		res = run(t, s, Request{ShellCommand: "ls /proc/$$/fd; :"})
		if got := strings.Join(strings.Fields(res.Stdout), " "); got != "0 1 2" {
			t.Errorf("descriptors %q, want 0 1 2 (stderr %q)", got, res.Stderr)
		}
	})
}

// TestPythonInheritedDescriptors: neither a cell nor a program it runs
// (os.system, which closes nothing) sees a descriptor the emulator
// inherited without close-on-exec.
func TestPythonInheritedDescriptors(t *testing.T) {
	path := inheritedFile(t)
	eachStart(t, func(t *testing.T, opts PythonOptions) {
		s, _ := newPySession(t, newPython(t, opts))
		res := py(t, s, `
import os
mine = [fd for fd in os.listdir("/proc/self/fd") if os.path.realpath("/proc/self/fd/" + fd) == `+"'"+path+"'"+`]
print("cell", mine)
print("child", flush=True)
os.system("ls /proc/$$/fd; :")
`)
		// No pipeline in the command: the shell holds a pipe's end open
		// until it has started the pipeline's last program, which ls may
		// list first (CI saw a descriptor 3 that way).
		got := strings.Join(strings.Fields(res.Stdout), " ")
		if want := "cell [] child 0 1 2"; got != want {
			t.Errorf("stdout %q, want %q", got, want)
		}
	})
}

// TestShellNamespaceMountsDoNotPropagate: no mount a command sees is
// shared, so nothing the prelude mounts (or the command does) can reach the
// host's mount table; the kernel makes them slaves of the host's in a
// namespace created with a user namespace, which the prelude relies on.
func TestShellNamespaceMountsDoNotPropagate(t *testing.T) {
	t.Parallel()
	s, _ := nsSession(t)
	res := run(t, s, Request{ShellCommand: "grep -c ' shared:' /proc/self/mountinfo; :"})
	if res.Stdout != "0\n" {
		t.Errorf("shared mounts in the namespace: %q (stderr %q)", res.Stdout, res.Stderr)
	}
}
