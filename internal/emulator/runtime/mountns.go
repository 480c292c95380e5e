package runtime

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// sandboxDir is where shell commands see the session dir in namespace mode,
// as on the service.
const sandboxDir = "/mnt/data"

// nsPrelude runs, as bash -c, inside a fresh user and mount namespace, and
// in pid mode a fresh PID namespace too (see nsAttr), where it is uid 0 with
// CAP_SYS_ADMIN over its own mount table. It makes the session dir appear
// at /mnt/data and then runs the user's program there. Nothing user
// supplied is part of the script text: the session dir, the tools, the
// mode, the exec step (nsExec) and the user's argv arrive as positional
// parameters ($1 dir, $2 mount, $3 mkdir, $4 "pid" or empty, $5 nsExec,
// the rest the argv).
//
// The host is never touched: the mounts are the namespace's and vanish
// with it. No mount --make-rprivate is needed (it cost a program start per
// command): a mount namespace created with a new user namespace is less
// privileged than the host's, and the kernel turns every shared mount it
// copies into a slave, so nothing mounted here propagates out
// (mount_namespaces(7)); /mnt itself is covered by a small tmpfs so that
// /mnt/data can be created. The prelude enters the session dir before
// covering /mnt and binds it by its cwd (mount --no-canonicalize .), so a
// session dir that lives under /mnt works too.
//
// Every descriptor above 4 is closed first: ones the emulator itself
// inherited without close-on-exec would otherwise reach the user's program.
//
// fd 3 is the status channel to Execute: a setup step that fails writes
// "setup <why>" and exits 125 before anything of the user's runs; nsExec
// reports a failed exec. fd 4 is the emulator's lifeline (see lifeline):
// it reads as end of file once the emulator is gone, which covers the
// moment before the kernel armed the parent-death signal, when Go cannot
// tell (in a new PID namespace getppid is 0, so its own check of the parent
// is blind).
//
// Without a PID namespace the prelude execs the user's program (nsExec
// inline), as the process the emulator started. In pid mode the prelude is
// the namespace's init (pid 1): it mounts a /proc of the namespace, so ps,
// kill and /proc/$$ agree with $$, and runs nsExec in a fresh bash as its
// child, so the user's program is not pid 1 (which the kernel shields from
// signals it does not handle: kill $$ would do nothing). The init waits for
// it, reaping orphans meanwhile, and exits with its status, 128+n for
// signal n as a shell reports it; its own stderr goes to /dev/null so that
// bash's "Killed" job notices do not reach the user's. When the init exits
// or is killed (by the emulator, or by the parent-death signal when the
// emulator dies), the kernel kills every process left in the namespace:
// background jobs, setsid ones, double-forked daemons.
const nsPrelude = `fail() { printf 'setup %s\n' "$1" >&3; exit 125; }
read -t 0 -u 4 && exit 125
exec 4<&-
for f in /proc/self/fd/*; do f=${f##*/}; [ "$f" -gt 4 ] && eval "exec $f>&-"; done
d=$1 m=$2 k=$3 p=$4 x=$5
shift 5
cd -- "$d" 2>/dev/null || fail "cannot enter the session dir"
o=$("$m" -t tmpfs -o mode=0755,size=1m azsessions /mnt 2>&1 </dev/null) || fail "mount tmpfs on /mnt: $o"
o=$("$k" /mnt/data 2>&1 </dev/null) || fail "mkdir /mnt/data: $o"
o=$("$m" --no-canonicalize --rbind . /mnt/data 2>&1 </dev/null) || fail "bind the session dir on /mnt/data: $o"
if [ -n "$p" ]; then
	o=$("$m" -t proc proc /proc 2>&1 </dev/null) || fail "mount /proc: $o"
fi
cd /mnt/data 2>/dev/null || fail "cannot enter /mnt/data"
export HOME=/mnt/data PWD=/mnt/data
unset OLDPWD d m k o f
unset -f fail
[ -n "$p" ] || eval "$x"
exec 5>&2 2>/dev/null
"$BASH" -c "$x" bash "$@" 2>&5 5>&-
exit
`

// nsExec is the prelude's last step: exec the user's program with the
// status channel closed, and report a failed exec. The exec runs inside a
// group whose redirection closes fd 3; bash keeps its copy of the fd on a
// close-on-exec descriptor, so the user's program never inherits the status
// channel, and execfail brings it back when the exec fails: it writes
// "exec <status>" and exits with bash's status for it (127 or 126). It must
// run in a bash of its own, not in a subshell: a subshell whose exec fails
// exits at once, execfail or not.
const nsExec = `shopt -s execfail
{ exec "$@"; } 3>&-
s=$?
printf 'exec %d\n' "$s" >&3
exit "$s"
`

// nsTools are the absolute paths of the programs the prelude needs, whether
// the host gives each command a PID namespace, and the lifeline.
type nsTools struct {
	mount, mkdir string
	// pid: commands get a PID namespace of their own (pid mode); false
	// where the host refuses one (a /proc it cannot mount), and pidErr
	// says why.
	pid    bool
	pidErr error
	// life is every prelude's fd 4.
	life *lifeline
}

// command returns the command that runs argv in a private mount namespace
// (and in pid mode a PID namespace) where dir is /mnt/data, with bash
// running the prelude. The caller adds stdin/stdout/stderr and files(status)
// as ExtraFiles, and starts it with startGroup.
func (t *nsTools) command(bash, dir string, argv []string) *exec.Cmd {
	mode := ""
	if t.pid {
		mode = "pid"
	}
	// $0 is "bash" so that bash's own messages (exec: x: not found) read
	// like a shell's.
	args := append([]string{"-c", nsPrelude, "bash", dir, t.mount, t.mkdir, mode, nsExec}, argv...)
	cmd := exec.Command(bash, args...)
	cmd.Env = os.Environ()
	cmd.SysProcAttr = nsAttr(t.pid)
	return cmd
}

// files are the prelude's descriptors beyond stdio: status as fd 3, the
// lifeline as fd 4.
func (t *nsTools) files(status *os.File) []*os.File {
	return []*os.File{status, t.life.r}
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
