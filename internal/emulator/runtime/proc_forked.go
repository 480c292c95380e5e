package runtime

// adoptForked makes a group of pid, a session supervisor that z forked as
// the leader of a process group of its own, tagged with tag. It is not the
// emulator's child: its exit is seen through a pidfd, and z reaps it when
// asked, after the rest of the group is killed, so that its pid (the
// group's id) is not reused while the emulator may still signal it.
func adoptForked(pid int, tag string, z *zygote) *group {
	g := &group{pid: pid, supervised: true, tag: tag, exited: make(chan struct{})}
	go func() {
		waitNonChildExited(pid)
		g.killRest()
		g.wstatus, g.wstatusOK = z.reap(pid)
		close(g.exited)
	}()
	return g
}
