package runtime

import (
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// supervisorKillHarness runs after supervisor.py: as a subreaper with the
// supervisor's signal set-up, it starts argv[1] sessions one after another,
// each an "interpreter" (a child with 48 MiB touched, so that it takes a
// while to die, as a real one does) that left a setsid'd, double-forked
// grandchild behind, and kills each with _kill_all. It prints the CPU
// (user+system, µs) spent in _kill_all alone, summed over the sessions,
// and whether anything of theirs is left.
const supervisorKillHarness = `
import resource
os.setpgid(0, 0)  # _kill_all kills our group: make it our own
_prctl(_PR_SET_CHILD_SUBREAPER, 1)
wake_r, wake_w = os.pipe()
os.set_blocking(wake_w, False)
_signal.set_wakeup_fd(wake_w)
_signal.signal(signal.SIGCHLD, _ignore)
me, pgid = os.getpid(), os.getpgid(0)
cpu = 0.0
for _ in range(int(sys.argv[1])):
    r, w = os.pipe()
    if os.fork() == 0:
        buf = bytearray(48 << 20)
        for i in range(0, len(buf), 4096):
            buf[i] = 1
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.write(w, b"x")
                time.sleep(600)
            os._exit(0)
        time.sleep(600)
    os.close(w)
    os.read(r, 1)
    os.close(r)
    before = resource.getrusage(resource.RUSAGE_SELF)
    _kill_all(me, pgid, None, wake_r, True)
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu += (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
left = [pid for pid, (ppid, _) in _proc_table().items() if ppid == me]
print(int(cpu * 1e6), len(left))
`

// BenchmarkSupervisorKill measures the CPU a session's supervisor spends
// killing the session (its _kill_all), reported as cpu-µs/op: the part of
// a delete that scans /proc.
func BenchmarkSupervisorKill(b *testing.B) {
	python, err := resolvePython("python3")
	if err != nil {
		b.Skip(err)
	}
	out, err := exec.Command(python, "-I", "-S", "-c", supervisorSource+supervisorKillHarness, strconv.Itoa(b.N)).Output()
	if err != nil {
		b.Fatalf("%v: %s", err, out)
	}
	var cpu, left int
	if _, err := fmt.Sscan(strings.TrimSpace(string(out)), &cpu, &left); err != nil || left != 0 {
		b.Fatalf("harness said %q (%v)", out, err)
	}
	b.ReportMetric(float64(cpu)/float64(b.N), "cpu-µs/op")
}
