package runtime

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// killReason records why the emulator killed a process, so that the code
// waiting for the process can tell a timeout from a crash.
type killReason int

const (
	notKilled killReason = iota
	killedTimeout
	killedCanceled
	killedClosed
	// killedCorrupt: the interpreter broke the protocol (a reply out of
	// sequence), so its answers cannot be trusted; reported as a kernel
	// restart.
	killedCorrupt
)

// group is a started child process (or one a zygote forked) that leads its
// own process group. All of the user's processes (the interpreter or shell
// and anything they spawn) live in that group, so killing the group stops
// them all.
//
// The group is signalled only while its leader is not yet reaped: the
// leader's pid is the group id, and once reaped the pid may be reused by an
// unrelated process group.
type group struct {
	cmd *exec.Cmd // nil for a leader a zygote forked (see adoptForked)
	pid int
	// supervised: the leader is a session supervisor (driver.py), which
	// kills every process of the session, including those that left the
	// group, when asked with SIGTERM; see kill.
	supervised bool
	// tag marks the environment of every process started in the group, so
	// that a process that left the group (setsid) can still be found and
	// killed; empty where processes cannot be found that way.
	tag string

	mu     sync.Mutex
	reaped bool       // set (under mu) just before the leader is reaped
	reason killReason // the first reason the emulator killed the group for
	// fallback is set once a kill of a supervised group has armed the
	// group kill that follows if the supervisor does not exit.
	fallback bool

	// pidfd is a forked leader's pidfd (nil for the emulator's own child,
	// or if none could be had): the leader is signalled through it, which
	// cannot reach a process that reused its pid once init reaped it (the
	// zygote died), and it tells whether the pid is still the leader's.
	pidfd *os.File

	exited chan struct{} // closed once the leader is reaped
	state  *os.ProcessState
	// wstatus is the wait status of a forked leader, as its zygote reaped
	// it; unknown (wstatusOK false) when the zygote was gone by then.
	wstatus   syscall.WaitStatus
	wstatusOK bool
}

// startGroup starts cmd as the leader of a new process group and reaps it in
// the background. When the leader exits, whatever is left of its group is
// killed too, so that no background process of the user survives it.
// cmd.SysProcAttr, when set, must build on groupAttr (as nsAttr does);
// when nil, groupAttr is used.
func startGroup(cmd *exec.Cmd) (*group, error) { return start(cmd, false) }

// startSupervised is startGroup for a leader that supervises its session
// (driver.py): kill asks it to kill everything and leave, and falls back to
// killing the group if it has not left within supervisorGrace.
func startSupervised(cmd *exec.Cmd) (*group, error) { return start(cmd, true) }

func start(cmd *exec.Cmd, supervised bool) (*group, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = groupAttr()
	}
	var tag string
	if canSweep {
		var err error
		if tag, err = newGroupTag(); err != nil {
			return nil, err
		}
		if cmd.Env == nil {
			cmd.Env = os.Environ()
		}
		cmd.Env = append(cmd.Env, groupTagEnv+"="+tag)
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	g := &group{cmd: cmd, pid: cmd.Process.Pid, supervised: supervised, tag: tag, exited: make(chan struct{})}
	go g.reap()
	return g, nil
}

func (g *group) reap() {
	// The error from Wait is in the ProcessState; a non-zero exit is not a
	// fault here.
	if canWaitNoReap {
		// Wait for the exit without reaping, so the group id stays ours
		// while the rest of the group is killed.
		waitExitedNoReap(g.pid)
		g.killRest()
		_ = g.cmd.Wait()
	} else {
		_ = g.cmd.Wait()
		g.killRest()
	}
	g.state = g.cmd.ProcessState
	close(g.exited)
}

// killRest kills what is left of the group once the leader has exited and
// stops any later kill from signalling the (soon free) group id.
func (g *group) killRest() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.leaderHeld() {
		killGroup(g.pid)
	}
	g.reaped = true
	sweep(g.tag)
}

// supervisorGrace is how long a supervisor asked to leave has to kill and
// reap its session's processes before its group is killed outright. Killed
// that way, it leaves behind the processes that left the group, so it is
// long: on a loaded machine (a -race test run, hundreds of processes for
// its /proc scans) a supervisor took over a second, drainGrace, which this
// was.
const supervisorGrace = 10 * time.Second

// kill sends SIGKILL to the whole group, remembering the first reason given.
// It is a no-op once the leader has exited. A supervised group's leader is
// sent SIGTERM instead: it kills every descendant, reaps them and exits, so
// that once exited is closed nothing of the session is left (not even a
// process that left the group); the group is killed outright if the
// supervisor has not exited within supervisorGrace (it is wedged, say).
func (g *group) kill(reason killReason) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.reason == notKilled {
		g.reason = reason
	}
	if g.reaped {
		sweep(g.tag)
		return
	}
	if !g.supervised {
		killGroup(g.pid)
		sweep(g.tag)
		return
	}
	g.askLeader()
	if !g.fallback {
		g.fallback = true
		go func() {
			t := time.NewTimer(supervisorGrace)
			defer t.Stop()
			select {
			case <-g.exited:
			case <-t.C:
				g.mu.Lock()
				if !g.reaped && g.leaderHeld() {
					killGroup(g.pid)
				}
				g.mu.Unlock()
			}
		}()
	}
}

// askLeader sends the supervisor SIGTERM, and SIGCONT in case the session's
// code stopped it (SIGSTOP), which would leave the request pending until
// the fallback kills its group and lets go of what left the group: through
// its pidfd where there is one, which reaches no other process.
func (g *group) askLeader() {
	if g.pidfd != nil {
		_ = pidfdSignal(g.pidfd, syscall.SIGTERM)
		_ = pidfdSignal(g.pidfd, sigCont)
		return
	}
	askToLeave(g.pid)
}

// leaderHeld reports whether the leader's pid, the group id, is still the
// leader's (not yet reaped), so that signalling the group cannot reach an
// unrelated group that took the id. The emulator's own child is reaped
// only after killRest; a forked leader is reaped by its zygote when asked,
// but by init at any time once the zygote is gone, so its pidfd must say.
// A residual race: init may reap it between this check and the signal.
func (g *group) leaderHeld() bool {
	if g.cmd != nil {
		return true
	}
	return g.pidfd != nil && pidfdSignal(g.pidfd, 0) == nil
}

// leaderKilled reports whether the leader has been killed by a signal,
// or is being: sent one, it shows as killed before it has exited (see
// signalKilled). A leader that has exited is judged by its wait status.
func (g *group) leaderKilled() bool {
	g.mu.Lock()
	// While the pid is the leader's, nobody reaps it: killRest sets
	// reaped first, under g.mu.
	held := !g.reaped && g.leaderHeld()
	// A forked leader without a pidfd (none could be had) may be alive
	// or reaped by init: its pid is looked at, as its exit is watched
	// (waitNonChildExited), instead of waiting for an exit that may never
	// come while the session lives.
	byPid := !g.reaped && !held && g.cmd == nil && g.pidfd == nil
	var killed, known bool
	if held || byPid {
		killed, known = signalKilled(g.pid)
	}
	g.mu.Unlock()
	if known || held {
		return killed // held and unknown: /proc cannot tell (not mounted)
	}
	// It has exited (a pid looked at is gone), and exited closes once it
	// is reaped.
	<-g.exited
	_, ok := g.signaled()
	return ok
}

// killedFor returns the reason given to the first kill, or notKilled.
func (g *group) killedFor() killReason {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.reason
}

// signaled returns the signal that ended the leader, if one did. Only valid
// after exited is closed.
func (g *group) signaled() (syscall.Signal, bool) {
	ws, ok := g.wstatus, g.wstatusOK
	if g.state != nil {
		ws, ok = g.state.Sys().(syscall.WaitStatus)
	}
	if !ok || !ws.Signaled() {
		return 0, false
	}
	return ws.Signal(), true
}

// groupTagEnv is the environment variable that carries a group's tag.
const groupTagEnv = "AZSESSIONS_EMULATOR_GROUP"

func newGroupTag() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// hasEnvEntry tells whether the NUL-separated environment env holds entry
// (which ends with its NUL) as a whole entry.
func hasEnvEntry(env, entry []byte) bool {
	for i := 0; ; {
		j := bytes.Index(env[i:], entry)
		if j < 0 {
			return false
		}
		if at := i + j; at == 0 || env[at-1] == 0 {
			return true
		}
		i += j + 1
	}
}
