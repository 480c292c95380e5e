//go:build linux

package runtime

import (
	"context"
	"os"
	"testing"
)

// BenchmarkZygoteBoundary times the session that crosses a zygote's fork
// limit, up to its first answer, with the IPython kernel (the interpreter
// AZSESSIONS_EMULATOR_PYTHON names): ahead, the successor was started in
// the background before the boundary; on-demand, it is started when the
// session needs it (as before the successor was started ahead). The
// sessions before it are made off the clock.
func BenchmarkZygoteBoundary(b *testing.B) {
	python := os.Getenv(pythonEnv)
	if python == "" {
		b.Skip(pythonEnv + " not set")
	}
	for _, ahead := range []bool{true, false} {
		name := "on-demand"
		if ahead {
			name = "ahead"
		}
		b.Run(name, func(b *testing.B) {
			f, err := NewPython(PythonOptions{Python: python, Kernel: KernelIPython})
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			// The successor starts at the second of three forks, or never.
			f.zygotes.forks, f.zygotes.lead = 3, 1
			if !ahead {
				f.zygotes.lead = -f.zygotes.forks
			}
			for b.Loop() {
				crossBoundary(b, f)
			}
		})
	}
}

// crossBoundary makes sessions off the clock until the zygote has forked
// its share and its successor's start is over, then times the next one.
func crossBoundary(b *testing.B, f *PythonFactory) {
	b.StopTimer()
	ctx := context.Background()
	dir := b.TempDir()
	var open []Session
	defer func() {
		b.StopTimer()
		for _, s := range open {
			s.Close()
		}
		b.StartTimer()
	}()
	newSession := func() {
		s, _, err := f.NewSession(ctx, dir)
		if err != nil {
			b.Fatal(err)
		}
		open = append(open, s)
		if res, err := s.Execute(ctx, Request{Code: "print(1)"}); err != nil || res.Stdout != "1\n" {
			b.Fatalf("%v %+v", err, res)
		}
	}
	for z := currentZygote(f); z == nil || z.forks.Load() < f.zygotes.forks; z = currentZygote(f) {
		newSession()
	}
	startOver(b, f.zygotes)
	b.StartTimer()
	newSession()
}
