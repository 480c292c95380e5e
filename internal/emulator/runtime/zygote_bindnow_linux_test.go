//go:build linux

package runtime

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestZygoteBindNowStaysInTheZygote: the zygote runs with LD_BIND_NOW
// (bindNowEnv), so that the interpreters it forks inherit its symbols
// bound; a session, the programs it runs (exec'd with the C environment or
// with os.environ) and a spawned interpreter do not see it, nor does
// /proc/<pid>/environ of the session's interpreter and its supervisor
// (the zygote blanks it in the environment block it was started with,
// which its forks inherit).
func TestZygoteBindNowStaysInTheZygote(t *testing.T) {
	eachStart(t, func(t *testing.T, opts PythonOptions) {
		f := newPython(t, opts)
		s, _ := newPySession(t, f)
		if !opts.spawn {
			if f.forks.Load() == 0 {
				t.Fatal("the session's interpreter was not forked")
			}
			// The entries after it moved down: its bytes are NULs at the end.
			env, err := os.ReadFile("/proc/" + strconv.Itoa(zygotePid(f)) + "/environ")
			blanked := strings.Repeat("\x00", len(bindNowEnv)+2)
			if err != nil || !strings.HasSuffix(string(env), blanked) || strings.Contains(string(env), "LD_BIND_NOW") {
				t.Errorf("the zygote's environment block does not end with %s blanked (%v): %q", bindNowEnv, err, env[max(0, len(env)-80):])
			}
		}
		res := py(t, s, `import os, subprocess
os.system('echo system=${LD_BIND_NOW-unset}')
run = subprocess.run(['sh', '-c', 'echo ${LD_BIND_NOW-unset}'], capture_output=True, text=True)
print('subprocess=' + run.stdout.strip())
run = subprocess.run(['sh', '-c', 'echo ${LD_BIND_NOW-unset}'], env=dict(os.environ), capture_output=True, text=True)
print('environ-copy=' + run.stdout.strip())
print('os.environ=%s' % os.environ.get('LD_BIND_NOW'))
for who in ('self', str(os.getppid())):
    with open('/proc/%s/environ' % who, 'rb') as f:
        print('proc=%s' % (b'LD_BIND_NOW' in f.read()))`)
		want := "system=unset\nsubprocess=unset\nenviron-copy=unset\nos.environ=None\nproc=False\nproc=False\n"
		if res.Stdout != want {
			t.Errorf("the session sees LD_BIND_NOW:\n%s\nwant\n%s", res.Stdout, want)
		}
	})
}

// TestBindNowKeepsTheUsersChoice: an LD_BIND_NOW the emulator inherited
// is left as it is (zygote.py removes only the one bindNow added).
func TestBindNowKeepsTheUsersChoice(t *testing.T) {
	t.Parallel()
	env := []string{"A=1", "LD_BIND_NOW=1"}
	if got := bindNow(slices.Clone(env)); !slices.Equal(got, env) {
		t.Errorf("bindNow(%q) = %q, want it unchanged", env, got)
	}
	if got := bindNow([]string{"A=1"}); !slices.Equal(got, []string{"A=1", bindNowEnv}) {
		t.Errorf("bindNow([A=1]) = %q, want %s added", got, bindNowEnv)
	}
}

// TestZygoteBindNowSetAgainBeforeItsStart: code that runs before the
// zygote's start (a sitecustomize, a .pth file) set LD_BIND_NOW to the
// same value again, so the C environment's entry is a copy on the heap,
// or removed it: either way the entry bindNow added is still in the
// environment block the zygote was started with, which its forks inherit
// and /proc/<pid>/environ shows. The zygote cuts it from the block all
// the same, removes the copy from the C environment and os.environ, and
// forks sessions that see it nowhere.
func TestZygoteBindNowSetAgainBeforeItsStart(t *testing.T) {
	t.Parallel()
	for name, prelude := range map[string]string{
		"set again": "os.environ['LD_BIND_NOW'] = 'azsessions-zygote'",
		"removed":   "del os.environ['LD_BIND_NOW']",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newPython(t, PythonOptions{})
			f.zygotes.program = "import os\n" + prelude + "\n" + zygoteSource
			s, _ := newPySession(t, f)
			if forks := f.forks.Load(); forks != 1 {
				t.Fatalf("%d sessions forked, want 1: the zygote did not start", forks)
			}
			res := py(t, s, `import os
print(os.environ.get('LD_BIND_NOW'))
os.system('echo ${LD_BIND_NOW-unset}')
for who in ('self', str(os.getppid())):
    with open('/proc/%s/environ' % who, 'rb') as f:
        print('proc=%s' % (b'LD_BIND_NOW' in f.read()))`)
			if want := "None\nunset\nproc=False\nproc=False\n"; res.Stdout != want {
				t.Errorf("the session sees LD_BIND_NOW:\n%s\nwant\n%s", res.Stdout, want)
			}
		})
	}
}
