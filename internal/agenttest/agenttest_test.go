package agenttest_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
	"github.com/seed-f3fa2c9d/azsessions/internal/testenv"
)

// The adapters' emulators run the interpreter the test script names in
// testenv.PythonEnv, not the python3 first on PATH: here a wrapper that
// leaves a mark before it starts the real one.
func TestToolkitRunsThePythonTheEnvironmentNames(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the wrapper is a shell script")
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		testenv.Missing(t, "python3", "apt-get install python3")
	}
	dir := t.TempDir()
	mark := filepath.Join(dir, "started")
	wrapper := filepath.Join(dir, "python-wrapper")
	script := "#!/bin/sh\necho started >>'" + mark + "'\nexec '" + python + "' \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(testenv.PythonEnv, wrapper)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute) // a hang guard
	defer cancel()
	res, err := agenttest.Toolkit(t).Session("c").RunPython(ctx, "print(6 * 7)", 0)
	if err != nil || res.IsError {
		t.Fatalf("the run failed: %v %s", err, res.Text)
	}
	if data, err := os.ReadFile(mark); err != nil || len(data) == 0 {
		t.Fatalf("the emulator did not start %s (%v): it ran another python3", wrapper, err)
	}
}
