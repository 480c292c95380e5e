package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// PythonEnv names the Python interpreter that tests needing a kernel's
// packages run (the test script sets it to Debian's /usr/bin/python3, where
// it installed them); unset, /usr/bin/python3 is tried.
const PythonEnv = "AZSESSIONS_EMULATOR_PYTHON"

// Python returns the interpreter PythonEnv names when it can import every
// one of modules, or ends the test with Missing; install says how to get
// them.
func Python(t testing.TB, install string, modules ...string) string {
	t.Helper()
	python := os.Getenv(PythonEnv)
	if python == "" {
		python = "/usr/bin/python3"
	}
	if err := exec.Command(python, "-c", "import "+strings.Join(modules, ", ")).Run(); err != nil {
		Missing(t, "a python3 with "+strings.Join(modules, ", ")+" ("+python+": "+err.Error()+")", install)
	}
	return python
}
