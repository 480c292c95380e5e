package server

import (
	"cmp"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// BenchmarkEmulatorExecute measures one synchronous print(1) through HTTP:
//
//   - warm: in a live session (the interpreter is running);
//   - new-session: the first execution of a new identifier, with ready
//     interpreters waiting (the pool is refilled between iterations, off the
//     clock);
//   - spawn: a fresh `python3 -c 'print(1)'` process, the baseline.
func BenchmarkEmulatorExecute(b *testing.B) {
	if _, err := exec.LookPath("python3"); err != nil {
		b.Skip("python3 not found")
	}
	const ready = 2
	e := newPythonEnv(b, func(c *Config) { c.ReadySessions = ready })
	body := map[string]any{"code": "print(1)"}
	check := func(resp response) {
		if resp.status != http.StatusOK {
			b.Fatalf("HTTP %d: %s", resp.status, resp.body)
		}
	}

	b.Run("warm", func(b *testing.B) {
		check(e.exec("warm", body))
		b.ReportAllocs()
		b.ResetTimer()
		for b.Loop() {
			check(e.exec("warm", body))
		}
	})

	b.Run("new-session", func(b *testing.B) {
		// waitReady waits, off the clock, until the ready interpreters are
		// started and idle: all there (+1 for the warm session).
		waitReady := func() { waitIdle(b, ready+1) }
		waitReady()
		b.ReportAllocs()
		b.ResetTimer()
		i := 0
		for b.Loop() {
			id := fmt.Sprintf("new-%d", i)
			i++
			check(e.exec(id, body))
			b.StopTimer()
			e.do(req{method: http.MethodDelete, path: "/session", query: ident(id)})
			waitReady()
			b.StartTimer()
		}
	})

	b.Run("spawn", func(b *testing.B) {
		// The real executable, as the runtime runs it: python3 on PATH
		// may be a launcher shim (pyenv's is a shell script) that would
		// inflate the baseline.
		python := realPython(b)
		b.ReportAllocs()
		for b.Loop() {
			out, err := exec.Command(python, "-c", "print(1)").Output()
			if err != nil || string(out) != "1\n" {
				b.Fatalf("%q %v", out, err)
			}
		}
	})
}

// realPython returns the executable python3 on PATH runs (sys.executable).
func realPython(b *testing.B) string {
	b.Helper()
	out, err := exec.Command("python3", "-c", "import sys; print(sys.executable)").Output()
	if err != nil {
		b.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// BenchmarkEmulatorSessionBurst sends the first execution of 32 new
// identifiers at once to an emulator with 2 ready interpreters, and reports
// the median and the maximum time to their answers (over all iterations),
// and the CPU time the process tree (emulator, zygote, sessions and the
// benchmark's own HTTP client) used during the bursts per session: a
// figure that other work on the machine changes far less than the times.
// The 30 without a ready interpreter wait for cold starts, which the
// runtime lets through about one per core, in arrival order.
//
// plain runs the plain driver; ipython runs IPython when the interpreter
// (AZSESSIONS_EMULATOR_PYTHON, else python3) has it (skipped otherwise),
// whose start costs about half a second of CPU more.
func BenchmarkEmulatorSessionBurst(b *testing.B) {
	python := cmp.Or(os.Getenv("AZSESSIONS_EMULATOR_PYTHON"), "python3")
	if _, err := exec.LookPath(python); err != nil {
		b.Skip(python + " not found")
	}
	b.Run("plain", func(b *testing.B) { benchmarkBurst(b, runtime.KernelPlain) })
	b.Run("ipython", func(b *testing.B) {
		if exec.Command(python, "-c", "import IPython").Run() != nil {
			b.Skip(python + " has no IPython")
		}
		benchmarkBurst(b, runtime.KernelIPython)
	})
}

func benchmarkBurst(b *testing.B, kernel string) {
	const ready, burst = 2, 32
	e := newPythonEnv(b, func(c *Config) {
		c.ReadySessions, c.MaxSessions, c.PythonKernel = ready, 4*burst, kernel
		c.Python = os.Getenv("AZSESSIONS_EMULATOR_PYTHON") // "": python3
	})
	body := map[string]any{"code": "print(1)"}
	var all []time.Duration
	var cpu time.Duration
	round := 0
	for b.Loop() {
		b.StopTimer()
		// Off the clock: the ready pool is full and idle.
		waitIdle(b, 2*ready)
		before := takeCPUSnapshot(b)
		b.StartTimer()
		start := time.Now()
		took := make([]time.Duration, burst)
		var wg sync.WaitGroup
		for i := range burst {
			wg.Go(func() {
				resp := e.exec(fmt.Sprintf("burst-%d-%d", round, i), body)
				took[i] = time.Since(start)
				if resp.status != http.StatusOK {
					b.Errorf("HTTP %d: %s", resp.status, resp.body)
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		cpu += cpuSince(b, before)
		all = append(all, took...)
		for i := range burst {
			e.do(req{method: http.MethodDelete, path: "/session", query: ident(fmt.Sprintf("burst-%d-%d", round, i))})
		}
		round++
		b.StartTimer()
	}
	slices.Sort(all)
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(all[len(all)-1].Microseconds())/1000, "max-ms")
	if cpuKnown {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(len(all)), "cpu-ms/session")
	}
}

// waitIdle waits until at least procs processes (a supervisor and an
// interpreter for each ready session) descend from this process and use no
// CPU for a few samples in a row.
func waitIdle(b *testing.B, procs int) {
	b.Helper()
	deadline := time.Now().Add(60 * time.Second)
	last, still := int64(-1), 0
	for still < 3 {
		if time.Now().After(deadline) {
			b.Fatal("the ready pool was not refilled")
		}
		time.Sleep(20 * time.Millisecond)
		pids := descendants(b)
		ticks := cpuTicks(pids)
		if len(pids) >= procs && ticks == last {
			still++
		} else {
			still = 0
		}
		last = ticks
	}
}
