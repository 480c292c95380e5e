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
// the cost of pid mode (a PID namespace, its /proc and an init per
// command) shows as a ratio against the mount namespace alone and against
// cwd-only mode, in the same run.
func BenchmarkShellExecute(b *testing.B) {
	for _, mode := range []string{"pid", "mount", "cwd"} {
		b.Run(mode, func(b *testing.B) {
			f, err := NewShell(ShellOptions{})
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			switch {
			case mode != "cwd" && (f.ns == nil || (mode == "pid" && !f.ns.pid)):
				b.Skipf("%s mode unavailable", mode)
			case mode == "mount":
				f.ns.pid = false
			case mode == "cwd":
				f.ns = nil
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
