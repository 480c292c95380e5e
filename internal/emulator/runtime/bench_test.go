//go:build unix

package runtime

import (
	"context"
	"os/exec"
	"testing"
)

// BenchmarkPythonExecute compares an execution in a live session (warm)
// with starting a fresh interpreter per execution (spawn), the baseline the
// long-lived driver exists to beat. spawn runs the real executable, not a
// launcher shim (pyenv), so the baseline is not inflated.
func BenchmarkPythonExecute(b *testing.B) {
	b.Run("warm", func(b *testing.B) {
		f, err := NewPython(PythonOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		s, _, err := f.NewSession(context.Background(), b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		ctx := context.Background()
		req := Request{Code: "print(1)"}
		b.ResetTimer()
		for b.Loop() {
			res, err := s.Execute(ctx, req)
			if err != nil || res.Stdout != "1\n" {
				b.Fatalf("%v %+v", err, res)
			}
		}
	})
	b.Run("spawn", func(b *testing.B) {
		python, err := resolvePython("python3")
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			out, err := exec.Command(python, "-c", "print(1)").Output()
			if err != nil || string(out) != "1\n" {
				b.Fatalf("%v %q", err, out)
			}
		}
	})
}

// BenchmarkShellExecute measures a shell execution in each mode, so that
// what makes a command's processes die with the emulator shows as ratios in
// the same run: pid mode (a PID namespace, its /proc and an init per
// command) against the mount namespace alone, and cwd-only mode under the
// supervisor against cwd-only mode bare.
func BenchmarkShellExecute(b *testing.B) {
	for _, mode := range []string{"pid", "mount", "cwd", "bare"} {
		b.Run(mode, func(b *testing.B) {
			f, err := NewShell(ShellOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			if !shellBenchMode(f, mode) {
				b.Skipf("%s mode unavailable", mode)
			}
			s, _, err := f.NewSession(context.Background(), b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			req := Request{ShellCommand: "echo 1"}
			for b.Loop() {
				res, err := s.Execute(ctx, req)
				if err != nil || res.Stdout != "1\n" {
					b.Fatalf("%v %+v", err, res)
				}
			}
		})
	}
}

// shellBenchMode puts f in mode, or reports that the host has no such mode.
func shellBenchMode(f *ShellFactory, mode string) bool {
	switch mode {
	case "pid":
		return f.ns != nil && f.ns.pid
	case "mount":
		if f.ns == nil {
			return false
		}
		f.ns.pid = false
		return true
	case "cwd":
		f.ns = nil
		return f.supervisor() != nil
	}
	f.ns = nil
	f.supOnce.Do(func() {})
	return true
}
