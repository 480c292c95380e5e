//go:build linux

package runtime

import (
	"context"
	"os"
	"testing"
)

// BenchmarkInterpreterStart compares the two ways a factory starts an
// interpreter, each up to its first answer (print(1) in a new session
// without ready interpreters): forked by the zygote, and spawned. kernel
// is the plain driver; ipython-* the IPython kernel, with the interpreter
// AZSESSIONS_EMULATOR_PYTHON names (skipped without IPython).
func BenchmarkInterpreterStart(b *testing.B) {
	for _, k := range []struct{ name, kernel, python string }{
		{"plain", KernelPlain, "python3"},
		{"ipython", KernelIPython, os.Getenv(pythonEnv)},
	} {
		for _, fork := range []bool{true, false} {
			name := k.name + "-spawn"
			if fork {
				name = k.name + "-fork"
			}
			b.Run(name, func(b *testing.B) {
				if k.python == "" {
					b.Skip(pythonEnv + " not set")
				}
				benchmarkStart(b, PythonOptions{Python: k.python, Kernel: k.kernel, spawn: !fork})
			})
		}
	}
}

func benchmarkStart(b *testing.B, opts PythonOptions) {
	f, err := NewPython(opts)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	dir := b.TempDir()
	// The zygote starts with the first session, off the clock.
	s, _, err := f.NewSession(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	b.ResetTimer()
	for b.Loop() {
		s, _, err := f.NewSession(ctx, dir)
		if err != nil {
			b.Fatal(err)
		}
		if res, err := s.Execute(ctx, Request{Code: "print(1)"}); err != nil || res.Stdout != "1\n" {
			b.Fatalf("%v %+v", err, res)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}
