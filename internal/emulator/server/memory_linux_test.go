package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// memChildEnv makes TestHelperServerForMemory serve as an emulator whose
// memory TestHugeOutputsKeepMemoryBounded measures.
const memChildEnv = "AZSESSIONS_TEST_SERVER_FOR_MEMORY"

// TestHelperServerForMemory is not a test: it serves a Python pool on
// loopback, prints its URL and serves until its standard input ends.
func TestHelperServerForMemory(t *testing.T) {
	if os.Getenv(memChildEnv) == "" {
		t.Skip("a helper process of TestHugeOutputsKeepMemoryBounded")
	}
	s, err := New(Config{Root: t.TempDir(), PoolType: PoolTypePython, ReadySessions: 4})
	require.NoError(t, err)
	hs := httptest.NewServer(s)
	fmt.Printf("URL %s\n", hs.URL)
	_, _ = io.Copy(io.Discard, os.Stdin)
	hs.Close()
	require.NoError(t, s.Close())
}

// vmHWM reads the peak resident set size of pid, in bytes.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	require.NoError(t, err)
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			require.NoError(t, err)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// TestHugeOutputsKeepMemoryBounded: four executions at once, each printing
// 128 MiB with the largest outputStreamsMaxLength, raise the emulator
// process's peak RSS by less than 512 MiB: output is kept only up to
// runtime.MaxOutputLimit. The emulator is a child process, so that its
// peak RSS is its own.
func TestHugeOutputsKeepMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 512 MiB through pipes")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperServerForMemory$")
	cmd.Env = append(os.Environ(), memChildEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper: %v", err)
		}
	})
	var url string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "URL "); ok {
			url = u
			break
		}
	}
	require.NotEmpty(t, url)
	go func() { _, _ = io.Copy(io.Discard, out) }()

	exec := func(id, code string) map[string]any {
		body, _ := json.Marshal(map[string]any{"code": code, "outputStreamsMaxLength": 2147483647, "timeoutInSeconds": 220})
		r, err := http.NewRequest(http.MethodPost, url+"/executions?api-version="+testVersion+"&identifier="+id, bytes.NewReader(body))
		require.NoError(t, err)
		r.Header.Set("Authorization", "Bearer t")
		r.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(r)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode)
		var m map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
		return m
	}
	const sessions = 4
	for i := range sessions {
		exec("mem"+strconv.Itoa(i), "print('warm')")
	}
	before := vmHWM(t, cmd.Process.Pid)
	var wg sync.WaitGroup
	results := make([]map[string]any, sessions)
	for i := range sessions {
		wg.Go(func() {
			results[i] = exec("mem"+strconv.Itoa(i), "import sys\nchunk = 'x' * (1 << 20)\nfor _ in range(128):\n    sys.stdout.write(chunk)\n'done'")
		})
	}
	wg.Wait()
	for i, m := range results {
		require.Equal(t, "Succeeded", m["status"], "execution %d", i)
		require.Len(t, result(m)["stdout"], runtime.MaxOutputLimit, "execution %d", i)
	}
	grown := vmHWM(t, cmd.Process.Pid) - before
	t.Logf("peak RSS grew by %d MiB (from %d MiB)", grown>>20, before>>20)
	require.Less(t, grown, int64(512<<20))
}
