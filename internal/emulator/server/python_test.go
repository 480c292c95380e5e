package server

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// newPythonEnv starts a server over the real Python runtime.
func newPythonEnv(t testing.TB, mod func(*Config)) *env {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	return newEnv(t, func(c *Config) {
		c.Factory = nil
		c.PoolType = PoolTypePython
		if mod != nil {
			mod(c)
		}
		if c.Factory == nil {
			f, err := newBuiltinFactory(*c)
			require.NoError(t, err)
			c.Factory = f
		}
	})
}

func TestPythonStateAndResults(t *testing.T) {
	e := newPythonEnv(t, func(c *Config) { c.ReadySessions = 1 })
	e.run("py", "import json\nx = 40")
	m := e.run("py", "x += 2\nprint('x is', x)\nx")
	require.Equal(t, "Succeeded", m["status"])
	require.Equal(t, "x is 42\n", result(m)["stdout"])
	require.Equal(t, "42", result(m)["executionResult"])

	for code, want := range map[string]any{
		"print(7*9)":   "",
		"None":         nil,
		"'nan'":        "'nan'",
		"float('nan')": "nan",
		"{'a': 1}":     "{'a': 1}",
	} {
		require.Equal(t, want, result(e.run("py", code))["executionResult"], code)
	}
	resp := e.exec("py", map[string]any{"code": "'nan'", "returnJupyterFormatExecutionResult": true})
	require.Equal(t, "'nan'", result(resp.json(t))["executionResult"])

	m = e.run("py", "d = {}\nd['sales_amount']")
	require.Equal(t, "Failed", m["status"])
	require.Contains(t, result(m)["stderr"], "KeyError: 'sales_amount'")
	require.Equal(t, "42", result(e.run("py", "x"))["executionResult"], "state survives an exception")

	// Another session has its own interpreter.
	m = e.run("py-other", "x")
	require.Equal(t, "Failed", m["status"])
	require.Contains(t, result(m)["stderr"], "NameError")

	leg := e.legacyExec("py", "x + 1")["properties"].(map[string]any)
	require.Equal(t, "Success", leg["status"])
	require.Equal(t, float64(43), leg["result"])
}

func TestPythonMntDataRoundTrip(t *testing.T) {
	e := newPythonEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("rt", "", "in.csv", "a,b\n1,2\n").status)
	require.Equal(t, http.StatusOK, e.upload("rt", "sub/dir", "deep.txt", "deep").status)
	m := e.run("rt", "open('/mnt/data/in.csv').read()")
	require.Equal(t, "'a,b\\n1,2\\n'", result(m)["executionResult"], "%v", m)
	m = e.run("rt", "open('/mnt/data/sub/dir/deep.txt').read() + open('in.csv').read()[:1]")
	require.Equal(t, "'deepa'", result(m)["executionResult"], "the working directory is the file area: %v", m)

	e.run("rt", "import os\nos.makedirs('/mnt/data/out', exist_ok=True)\nopen('/mnt/data/out/result.txt', 'w').write('written by python')")
	q := ident("rt")
	q.Set("path", "/mnt/data/out")
	resp := e.do(req{path: "/files/result.txt/content", query: q})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Equal(t, "written by python", string(resp.body))

	// Isolation: another session's code does not see the files.
	m = e.run("rt-other", "import os\nos.path.exists('/mnt/data/in.csv')")
	require.Equal(t, "False", result(m)["executionResult"])

	// A link planted by code that leads out of the area is refused.
	victim := e.sessionDir("rt")
	e.run("rt-other", "import os\nos.symlink('"+filepath.Join(victim, "in.csv")+"', 'steal.csv')\nos.symlink('/etc/passwd', 'passwd')")
	for _, name := range []string{"steal.csv", "passwd"} {
		resp := e.do(req{path: "/files/" + name + "/content", query: ident("rt-other")})
		require.Equal(t, http.StatusBadRequest, resp.status, name)
		require.NotContains(t, string(resp.body), "a,b")
	}
}

func TestPythonTimeoutRestartsInterpreter(t *testing.T) {
	e := newPythonEnv(t, func(c *Config) { c.MaxExecutionTimeout = 2 * time.Second })
	e.run("to", "x = 'kept?'")
	resp := e.exec("to", map[string]any{"code": "import time\ntime.sleep(60)", "timeoutInSeconds": 120})
	m := resp.json(t)
	require.Equal(t, "Failed", m["status"])
	require.Contains(t, result(m)["stderr"], runtime.MessageTimedOut)
	// The next execution gets a fresh interpreter.
	m = e.run("to", "print('alive')")
	require.Equal(t, "Succeeded", m["status"])
	require.Equal(t, "alive\n", result(m)["stdout"])
}

func TestPythonAsyncExecution(t *testing.T) {
	e := newPythonEnv(t, nil)
	resp := e.exec("as", map[string]any{"executionType": "Asynchronous", "code": "import time\ntime.sleep(0.2)\nv = 7\nv * 6"})
	require.Equal(t, http.StatusOK, resp.status)
	id := resp.json(t)["id"].(string)
	var m map[string]any
	eventually(t, func() bool {
		m = e.do(req{path: "/executions/" + id, query: ident("as")}).json(t)
		return m["status"] != "Running"
	}, "async execution")
	require.Equal(t, "Succeeded", m["status"])
	require.Equal(t, "42", result(m)["executionResult"])
}

func TestPythonCloseLeavesNoProcess(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	requireNoDescendants(t)
	f, err := newBuiltinFactory(Config{PoolType: PoolTypePython, ReadySessions: 2})
	require.NoError(t, err)
	s, err := New(Config{Factory: f, Root: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() }) // kills what the test started, even when it fails
	e := &env{t: t, srv: s, factory: newFakeFactory(), token: "x", http: httpServer(t, s)}
	e.run("p1", "print(1)")
	e.run("p2", "import subprocess\np = subprocess.Popen(['sleep', '300'])")
	resp := e.exec("p3", map[string]any{"code": "import time\ntime.sleep(300)", "executionType": "Asynchronous"})
	require.Equal(t, http.StatusOK, resp.status)
	require.NotEmpty(t, descendants(t))
	require.NoError(t, s.Close())
	requireNoDescendants(t)
}

func TestPythonMetadata(t *testing.T) {
	e := newPythonEnv(t, nil)
	m := e.do(req{path: "/metadata"}).json(t)
	rt := m["runtimes"].([]any)[0].(map[string]any)
	require.Equal(t, "python", strings.ToLower(rt["name"].(string)))
	out, err := exec.Command("python3", "-c", "import platform; print(platform.python_version())").Output()
	require.NoError(t, err)
	require.Equal(t, strings.TrimSpace(string(out)), rt["version"])
}

func TestPythonMemoryAbortAndCrash(t *testing.T) {
	e := newPythonEnv(t, func(c *Config) { c.MemoryLimitBytes = 1 << 30 })
	e.run("mem", "x = 1")
	m := e.run("mem", "hog = bytearray(4 << 30)")
	require.Equal(t, "Failed", m["status"])
	require.Contains(t, result(m)["stderr"], runtime.MessageMemoryAborted)
	require.Equal(t, "Succeeded", e.run("mem", "print('still here')")["status"])

	m = e.run("mem", "import os\nos._exit(3)")
	require.Equal(t, "Failed", m["status"])
	require.Contains(t, result(m)["stderr"], runtime.MessageKernelRestarted)
	m = e.run("mem", "print('fresh')")
	require.Equal(t, "Succeeded", m["status"])
	require.Equal(t, "fresh\n", result(m)["stdout"])
}

// A file the session's code names with bytes that are not UTF-8 is listed
// percent-escaped, and that name downloads and deletes it (rawnames.go).
func TestPythonFileNameThatIsNotUTF8(t *testing.T) {
	e := newPythonEnv(t, nil)
	m := e.run("nu", "open(b'/mnt/data/\\xff.txt', 'w').write('made by code')")
	require.Equal(t, "Succeeded", m["status"], "%v", m)
	resp := e.do(req{path: "/files", query: ident("nu")})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	value := resp.json(t)["value"].([]any)
	require.Len(t, value, 1, "%s", resp.body)
	require.Equal(t, "%FF.txt", value[0].(map[string]any)["name"])
	resp = e.do(req{path: "/files/%25FF.txt/content", query: ident("nu")})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Equal(t, "made by code", string(resp.body))
	resp = e.do(req{method: http.MethodDelete, path: "/files/%25FF.txt", query: ident("nu")})
	require.Equal(t, http.StatusNoContent, resp.status, "%s", resp.body)
	m = e.run("nu", "import os\nos.path.exists(b'/mnt/data/\\xff.txt')")
	require.Equal(t, "False", result(m)["executionResult"], "%v", m)
}
