package server

import (
	"fmt"
	"net/http"
	"os/exec"
	"testing"
	"time"
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
		// started and idle: all there (+1 for the warm session) and using
		// no CPU for a few samples in a row.
		waitReady := func() {
			deadline := time.Now().Add(30 * time.Second)
			last, still := int64(-1), 0
			for still < 3 {
				if time.Now().After(deadline) {
					b.Fatal("the ready pool was not refilled")
				}
				time.Sleep(10 * time.Millisecond)
				pids := descendants(b)
				ticks := cpuTicks(pids)
				if len(pids) >= ready+1 && ticks == last {
					still++
				} else {
					still = 0
				}
				last = ticks
			}
		}
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
		b.ReportAllocs()
		for b.Loop() {
			out, err := exec.Command("python3", "-c", "print(1)").Output()
			if err != nil || string(out) != "1\n" {
				b.Fatalf("%q %v", out, err)
			}
		}
	})
}
