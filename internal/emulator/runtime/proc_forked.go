package runtime

// adoptForked makes a group of pid, a session supervisor that z forked as
// the leader of a process group of its own, tagged with tag. It is not the
// emulator's child: its exit is seen through a pidfd, and z reaps it when
// asked, after the rest of the group is killed, so that its pid (the
// group's id) is not reused while the emulator may still signal it. If
// the zygote dies, init reaps the leader instead; the pidfd keeps the
// emulator from signalling a process that reused the pid (see leaderHeld).
func adoptForked(pid int, tag string, z *zygote) *group {
	// The pidfd is opened now, while the zygote, which reaps the leader
	// only when asked, is known to hold the pid for it.
	g := &group{pid: pid, supervised: true, tag: tag, pidfd: openPidfd(pid), exited: make(chan struct{})}
	go func() {
		waitNonChildExited(pid, g.pidfd)
		g.killRest()
		g.wstatus, g.wstatusOK = z.reap(pid)
		if g.pidfd != nil {
			g.pidfd.Close()
		}
		close(g.exited)
	}()
	return g
}
