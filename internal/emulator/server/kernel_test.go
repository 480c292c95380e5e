package server

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/testenv"
)

// kernelPython returns the interpreter with IPython and matplotlib that
// AZSESSIONS_EMULATOR_PYTHON names (default /usr/bin/python3), or ends the
// test: a skip on a developer's machine, a failure where .ci/run installed
// them.
func kernelPython(t *testing.T) string {
	t.Helper()
	return testenv.Python(t, "apt-get install python3-ipython python3-numpy python3-pandas python3-matplotlib",
		"IPython", "matplotlib", "matplotlib_inline")
}

// TestIPythonKernelOverHTTP: with an interpreter that has IPython, cells
// run through it: /metadata says so, a long list comes back pretty-printed,
// display() prints, and an inline figure is the image result.
func TestIPythonKernelOverHTTP(t *testing.T) {
	python := kernelPython(t)
	e := newPythonEnv(t, func(c *Config) { c.Python = python })

	m := e.do(req{path: "/metadata"}).json(t)
	kernel := m["jupyterKernel"].(map[string]any)
	require.Contains(t, kernel["description"], "IPython")
	out, err := exec.Command(python, "-c", "import IPython; print(IPython.__version__)").Output()
	require.NoError(t, err)
	require.Equal(t, strings.TrimSpace(string(out)), kernel["version"])

	r := result(e.run("ipy", "[f'package-{i}' for i in range(12)]"))
	require.Equal(t, "['package-0',\n 'package-1',\n 'package-2',\n 'package-3',\n 'package-4',\n 'package-5',\n 'package-6',\n 'package-7',\n 'package-8',\n 'package-9',\n 'package-10',\n 'package-11']", r["executionResult"])

	r = result(e.run("ipy", "display('shown')\n!echo banged"))
	require.Equal(t, "'shown'\nbanged", strings.TrimRight(strings.ReplaceAll(r["stdout"].(string), "\r\n", "\n"), "\n"))

	resp := e.exec("ipy", map[string]any{"code": "%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3])"})
	require.Equal(t, http.StatusOK, resp.status)
	img, ok := result(resp.json(t))["executionResult"].(map[string]any)
	require.True(t, ok, "%s", resp.body)
	require.Equal(t, "image", img["type"])
	require.Equal(t, "png", img["format"])
	require.True(t, strings.HasPrefix(img["base64_data"].(string), "iVBORw0KGgo"))
}
