package runtime

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
)

// signalKilled reports whether process pid is dying or dead of a signal
// (killed), as /proc shows it; known is false when /proc cannot say (the
// process is reaped already). A fatal signal sent to a process (kill(2)
// returns once it is) shows as a pending SIGKILL until the process takes
// it, PF_SIGNALED from then on, its zombie included; so a process that
// sent its parent SIGKILL sees the parent as killed from the moment the
// call returns, not only once the parent has exited.
func signalKilled(pid int) (killed, known bool) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false, false
	}
	// The fields after the command name, which may hold spaces and
	// parentheses: state is the first (field 3 of proc(5)).
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return false, false
	}
	fields := bytes.Fields(stat[i+1:])
	if len(fields) <= statSignal-3 {
		return false, false
	}
	flags, err1 := strconv.ParseUint(string(fields[statFlags-3]), 10, 64)
	pending, err2 := strconv.ParseUint(string(fields[statSignal-3]), 10, 64)
	if err1 != nil || err2 != nil {
		return false, false
	}
	return flags&pfSignaled != 0 || pending&(1<<(uint(syscall.SIGKILL)-1)) != 0, true
}

const (
	statFlags  = 9     // proc(5)'s field of the kernel flags
	statSignal = 31    // and of the pending signals (the thread's own)
	pfSignaled = 0x400 // PF_SIGNALED: killed by a signal
)
