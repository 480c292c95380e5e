package runtime

import (
	_ "embed"
	"os"
	"os/exec"
)

//go:embed shellsup.py
var shellSupTail string

// shellSupSource is the program of a supervised shell command: the session
// supervisor of Python sessions, whose child then execs the user's program.
var shellSupSource = supervisorSource + "\n" + shellSupTail

// wrapper is what runs the user's program in namespace mode (nsTools) or,
// in cwd-only mode, under a supervisor (shellSup); both report a program
// that could not be run on a status channel.
type wrapper interface {
	// files are the descriptors the wrapper's process takes beyond stdio,
	// status (the channel's write end) first, as fd 3.
	files(status *os.File) []*os.File
}

// wrapper returns what runs the factory's commands; nil when they run bare
// (cwd-only mode without a supervisor).
func (f *ShellFactory) wrapper() wrapper {
	if f.ns != nil {
		return f.ns
	}
	if sup := f.supervisor(); sup != nil {
		return sup
	}
	return nil
}

// supervisor returns the cwd-only mode's supervisor, finding python3 on
// first use; nil where there is none.
func (f *ShellFactory) supervisor() *shellSup {
	f.supOnce.Do(func() {
		if !canSubreap {
			return
		}
		if python, err := resolvePython("python3"); err == nil {
			f.sup = &shellSup{python: python, life: f.life}
		}
	})
	return f.sup
}

// shellSup runs cwd-only commands under the supervisor Python sessions
// have (supervisor.py): a child subreaper with a parent-death signal and
// the lifeline, so that every process a command starts stays its
// descendant and dies with the command, a kill of the emulator's, or the
// emulator itself, however it dies. Linux only (the subreaper), where
// python3 exists.
type shellSup struct {
	python string
	life   *lifeline
}

// command returns the command that runs argv under the supervisor in dir.
// The caller adds stdin/stdout/stderr and files(status) as ExtraFiles, and
// starts it with startSupervised.
func (p *shellSup) command(dir string, argv []string) *exec.Cmd {
	env := append(os.Environ(), "HOME="+dir, "PWD="+dir)
	// -I (isolated): the working directory, the session dir that user code
	// and uploads write, is not on sys.path, so a select.py or ctypes.py
	// there cannot run inside the supervisor; nor do PYTHONPATH,
	// PYTHONSTARTUP or any PYTHON* variable reach it. -S: no site.
	// -I also ignores PYTHONCOERCECLOCALE, so Python coerces a C locale by
	// setting LC_CTYPE: ctype hands the tail the emulator's own to restore.
	ctype := "-"
	if v, ok := os.LookupEnv("LC_CTYPE"); ok {
		ctype = "=" + v
	}
	args := append([]string{"-I", "-S", "-c", shellSupSource, ctype}, argv...)
	cmd := exec.Command(p.python, args...)
	cmd.Dir = dir
	cmd.Env = env
	cmd.SysProcAttr = supervisorAttr()
	return cmd
}

// files are the supervisor's descriptors beyond stdio: status as fd 3 and
// again as fd 4 (where a Python session has its two protocol pipes), the
// lifeline as fd 5.
func (p *shellSup) files(status *os.File) []*os.File {
	return []*os.File{status, status, p.life.r}
}
