package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// sandboxDir is where shell commands see the session dir in namespace mode,
// as on the service.
const sandboxDir = "/mnt/data"

// nsPrelude runs, as bash -c, inside a fresh user and mount namespace (see
// nsAttr), where it is uid 0 with CAP_SYS_ADMIN over its own mount table.
// It makes the session dir appear at /mnt/data and then execs the user's
// program there. Nothing user supplied is part of the script text: the
// session dir, the tools and the user's argv arrive as positional
// parameters ($1 dir, $2 mount, $3 mkdir, the rest the argv).
//
// The host is never touched: the mounts are private to the namespace and
// vanish with it; /mnt itself is covered by a small tmpfs so that
// /mnt/data can be created. The prelude enters the session dir before
// covering /mnt and binds it by its cwd (mount --no-canonicalize .), so a
// session dir that lives under /mnt works too.
//
// fd 3 is the status channel to Execute: a setup step that fails writes
// "setup <why>" and exits 125 before anything of the user's runs; an exec
// that fails (program missing, not executable) writes "exec <status>" and
// exits with bash's status for it (127 or 126). The exec runs inside a
// group whose redirection closes fd 3; bash keeps its copy of the fd on a
// close-on-exec descriptor, so the user's program never inherits the status
// channel, and execfail brings it back when the exec fails.
const nsPrelude = `fail() { printf 'setup %s\n' "$1" >&3; exit 125; }
d=$1 m=$2 k=$3
shift 3
cd -- "$d" 2>/dev/null || fail "cannot enter the session dir"
o=$("$m" --make-rprivate / 2>&1 </dev/null) || fail "mount --make-rprivate /: $o"
o=$("$m" -t tmpfs -o mode=0755,size=1m azsessions /mnt 2>&1 </dev/null) || fail "mount tmpfs on /mnt: $o"
o=$("$k" /mnt/data 2>&1 </dev/null) || fail "mkdir /mnt/data: $o"
o=$("$m" --no-canonicalize --rbind . /mnt/data 2>&1 </dev/null) || fail "bind the session dir on /mnt/data: $o"
cd /mnt/data 2>/dev/null || fail "cannot enter /mnt/data"
export HOME=/mnt/data PWD=/mnt/data
unset OLDPWD d m k o
unset -f fail
shopt -s execfail
{ exec "$@"; } 3>&-
s=$?
printf 'exec %d\n' "$s" >&3
exit "$s"
`

// nsTools are the absolute paths of the programs the prelude needs.
type nsTools struct {
	mount, mkdir string
}

// command returns the command that runs argv in a private mount namespace
// where dir is /mnt/data, with bash running the prelude. The caller adds
// stdin/stdout/stderr and the status pipe as ExtraFiles[0] (fd 3), and
// starts it with startGroup.
func (t *nsTools) command(bash, dir string, argv []string) *exec.Cmd {
	// $0 is "bash" so that bash's own messages (exec: x: not found) read
	// like a shell's.
	args := append([]string{"-c", nsPrelude, "bash", dir, t.mount, t.mkdir}, argv...)
	cmd := exec.Command(bash, args...)
	cmd.Env = os.Environ()
	cmd.SysProcAttr = nsAttr()
	return cmd
}

// nsStatus is what the prelude reported on fd 3.
type nsStatus struct {
	setupErr error // a setup step failed; the user's program did not run
	execFail bool  // the user's program could not be executed
	code     int   // bash's status for the failed exec (127, 126)
}

// readNSStatus reads the status channel once the prelude (or the program
// it became) has exited. Every writer is gone by then, so it returns at
// once; the deadline only guards against the unexpected.
func readNSStatus(r *os.File) nsStatus {
	defer r.Close()
	_ = r.SetReadDeadline(time.Now().Add(drainGrace))
	b, _ := io.ReadAll(io.LimitReader(r, 4096))
	msg := strings.TrimSpace(string(b))
	switch {
	case msg == "":
		return nsStatus{}
	case strings.HasPrefix(msg, "exec "):
		if code, err := strconv.Atoi(strings.TrimPrefix(msg, "exec ")); err == nil {
			return nsStatus{execFail: true, code: code}
		}
	case strings.HasPrefix(msg, "setup "):
		return nsStatus{setupErr: fmt.Errorf("runtime: preparing /mnt/data: %s", strings.TrimPrefix(msg, "setup "))}
	}
	return nsStatus{setupErr: fmt.Errorf("runtime: preparing /mnt/data: unexpected status %q", msg)}
}

// nsProbeTimeout bounds the probe NewShell runs; a working probe takes
// milliseconds.
const nsProbeTimeout = 20 * time.Second

// probeNamespaces reports whether this host lets the emulator run shell
// commands in a private mount namespace with the session dir at /mnt/data.
// It checks the tools, then runs the real prelude once on a scratch dir and
// requires the command to see a marker file at /mnt/data and to run there.
// Any failure (not Linux, no mount(8), user namespaces disabled by sysctl,
// seccomp or an AppArmor policy, /mnt missing, ...) returns the reason.
func probeNamespaces(bash string) (*nsTools, error) {
	if !canMountNS {
		return nil, errors.New("mount namespaces need Linux")
	}
	t, err := findNSTools()
	if err != nil {
		return nil, err
	}
	dir, err := newProbeDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := t.probe(bash, dir); err != nil {
		return nil, err
	}
	return t, nil
}

// findNSTools looks the prelude's programs up in PATH, once, so that a
// changed PATH cannot change what the prelude runs later.
func findNSTools() (*nsTools, error) {
	var t nsTools
	for _, p := range []struct {
		name string
		dst  *string
	}{{"mount", &t.mount}, {"mkdir", &t.mkdir}} {
		path, err := exec.LookPath(p.name)
		if err == nil {
			path, err = filepath.Abs(path)
		}
		if err != nil {
			return nil, err
		}
		*p.dst = path
	}
	return &t, nil
}

// newProbeDir makes a scratch session dir holding the marker file the probe
// looks for; the caller removes it.
func newProbeDir() (string, error) {
	dir, err := os.MkdirTemp("", "azsessions-nsprobe-")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "probe"), nil, 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// probe runs the real prelude once with dir as the session dir and
// requires the command to see the marker file at /mnt/data and to run
// there.
func (t *nsTools) probe(bash, dir string) error {
	statusR, statusW, err := os.Pipe()
	if err != nil {
		return err
	}
	cmd := t.command(bash, dir, []string{bash, "-c", `test -f /mnt/data/probe && pwd`})
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.ExtraFiles = []*os.File{statusW}
	cmd.WaitDelay = drainGrace
	g, err := startGroup(cmd)
	statusW.Close()
	if err != nil {
		statusR.Close()
		return fmt.Errorf("start: %w", err)
	}
	waitOrKill(context.Background(), g, nsProbeTimeout)
	st := readNSStatus(statusR)
	switch {
	case g.killedFor() == killedTimeout:
		return errors.New("probe timed out")
	case st.setupErr != nil:
		return st.setupErr
	case g.state.ExitCode() != 0 || stdout.String() != sandboxDir+"\n":
		return fmt.Errorf("probe: exit %d, stdout %q, stderr %q", g.state.ExitCode(), stdout.String(), stderr.String())
	}
	return nil
}
