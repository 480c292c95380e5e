package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// areaPrefix starts the name of every directory a Server makes for its
// sessions' areas (in $TMPDIR, or in Config.Root).
const areaPrefix = "azsessions-emulator-"

// ownerFile, inside such a directory, names the process that owns it, so
// that a later emulator can tell the areas of one that died (kill -9, a
// panic) from those of one still running.
const ownerFile = ".owner"

// areaOwner identifies a process across pid reuse: its pid, and its start
// time since boot together with the boot's id (Linux). Start is empty where
// it cannot be read; such an owner counts as alive while its pid is.
type areaOwner struct {
	PID   int    `json:"pid"`
	Start string `json:"start,omitempty"`
}

// processStart returns what tells pid's process from a later one with the
// same pid: the boot id and the start time in clock ticks, from /proc; ""
// off Linux. ok is false when there is no process pid (on Linux).
func processStart(pid int) (start string, ok bool) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		if _, perr := os.Stat("/proc/self/stat"); perr != nil {
			return "", true // no /proc: cannot tell
		}
		return "", false
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: state is field 3, starttime field 22.
	i := strings.LastIndexByte(string(stat), ')')
	fields := strings.Fields(string(stat[i+1:]))
	if i < 0 || len(fields) < 20 {
		return "", false
	}
	boot, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return strings.TrimSpace(string(boot)) + ":" + fields[19], true
}

// markOwner records this process as the owner of the area directory dir.
// The file appears whole (written aside, then renamed), so a reader never
// sees half of it.
func markOwner(dir string) error {
	start, _ := processStart(os.Getpid())
	b, err := json.Marshal(areaOwner{PID: os.Getpid(), Start: start})
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, ownerFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, ownerFile))
}

// ownerAlive reports whether the owner recorded in dir still runs. An area
// without a readable owner file is taken as alive: it may be one being
// created right now, or one from an emulator that did not mark its areas.
func ownerAlive(dir string) bool {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return true
	}
	var o areaOwner
	if err := json.Unmarshal(b, &o); err != nil || o.PID <= 0 {
		return true
	}
	start, ok := processStart(o.PID)
	if !ok {
		return false
	}
	return o.Start == "" || start == "" || start == o.Start
}

// removeStaleAreas removes, from parent, the area directories of emulators
// that are no longer running, with everything in them. Errors are ignored:
// another emulator may be removing the same directory.
func removeStaleAreas(parent string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), areaPrefix) {
			continue
		}
		dir := filepath.Join(parent, e.Name())
		if !ownerAlive(dir) {
			_ = removeTree(dir)
		}
	}
}

// MarkOwner marks dir, a directory of the temporary directory whose name
// starts with "azsessions-emulator-", as this process's, so that the next
// emulator to start removes it if this one dies without removing it (the
// in-process emulator's socket directory).
func MarkOwner(dir string) error { return markOwner(dir) }
