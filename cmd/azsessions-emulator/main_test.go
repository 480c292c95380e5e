package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/server"
	"github.com/seed-f3fa2c9d/azsessions/internal/proctest"
)

// build compiles the command once per test binary run.
func build(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "azsessions-emulator")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// started is a running command.
type started struct {
	cmd      *exec.Cmd
	endpoint string
	stderr   *lockedBuffer
	tmp      string
}

type lockedBuffer struct {
	ch  chan struct{}
	buf strings.Builder
}

func start(t *testing.T, bin string, args ...string) *started {
	t.Helper()
	tmp := t.TempDir()
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderrPipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	s := &started{cmd: cmd, tmp: tmp, stderr: &lockedBuffer{ch: make(chan struct{})}}
	go func() {
		b, _ := io.ReadAll(stderrPipe)
		s.stderr.buf.Write(b)
		close(s.stderr.ch)
	}()
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	s.endpoint = strings.TrimSpace(line)
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return s
}

// stop sends SIGTERM and requires a clean exit leaving no process and no
// session file behind.
func (s *started) stop(t *testing.T, kids []int) string {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGTERM))
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, "exit status")
	case <-time.After(60 * time.Second):
		t.Fatal("the command did not exit after SIGTERM")
	}
	<-s.stderr.ch
	for _, pid := range kids {
		require.False(t, proctest.Alive(pid), "child %d outlived the command", pid)
	}
	entries, err := os.ReadDir(s.tmp)
	require.NoError(t, err)
	for _, e := range entries {
		require.Fail(t, "left in the temp dir", e.Name())
	}
	return s.stderr.buf.String()
}

func request(t *testing.T, client *http.Client, method, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(`{"code":"print(6*7)"}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestCommandServesAndShutsDownCleanly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not found")
	}
	bin := build(t)

	t.Run("http", func(t *testing.T) {
		s := start(t, bin, "-token", "tok", "-ready-sessions", "1")
		require.True(t, strings.HasPrefix(s.endpoint, "http://127.0.0.1:"), s.endpoint)
		status, body := request(t, http.DefaultClient, http.MethodPost, s.endpoint+"/executions?api-version=2025-10-02-preview&identifier=cmd", "tok")
		require.Equal(t, http.StatusOK, status, body)
		require.Contains(t, body, `"stdout":"42\n"`)
		status, _ = request(t, http.DefaultClient, http.MethodGet, s.endpoint+"/metadata?api-version=2025-10-02-preview", "wrong")
		require.Equal(t, http.StatusUnauthorized, status)
		kids := proctest.Children(s.cmd.Process.Pid)
		require.NotEmpty(t, kids, "the session's interpreter runs under the command")
		log := s.stop(t, kids)
		require.Contains(t, log, "export AZSESSIONS_EMULATOR_ENDPOINT="+s.endpoint+" AZSESSIONS_EMULATOR_TOKEN='<the -token value>' AZSESSIONS_EMULATOR_CERT=''")
		require.Contains(t, log, "POST /executions 200")
		require.Contains(t, log, "GET /metadata 401")
		require.NotContains(t, log, "tok\n")
		require.NotContains(t, log, "print(6*7)")
		require.NotContains(t, log, "identifier=")
	})

	t.Run("tls", func(t *testing.T) {
		s := start(t, bin, "-tls", "-pool-type", "shell")
		require.True(t, strings.HasPrefix(s.endpoint, "https://127.0.0.1:"), s.endpoint)
		port := s.endpoint[strings.LastIndexByte(s.endpoint, ':')+1:]
		certPath := filepath.Join(s.tmp, "azsessions-emulator-"+port+"-cert.pem")
		pem, err := os.ReadFile(certPath)
		require.NoError(t, err)
		pool := x509.NewCertPool()
		require.True(t, pool.AppendCertsFromPEM(pem))
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
		defer client.CloseIdleConnections()
		req, err := http.NewRequest(http.MethodPost, s.endpoint+"/executions?api-version=2025-10-02-preview&identifier=sh", strings.NewReader(`{"shellCommand":"echo tls"}`))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer any")
		resp, err := client.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "%s", b)
		require.Contains(t, string(b), `"status":"0"`)
		// A program connects with what the command printed.
		opts, cred, err := emulator.Connect(s.endpoint, "", certPath)
		require.NoError(t, err)
		sdk, err := azsessions.NewClient(s.endpoint, cred, opts)
		require.NoError(t, err)
		shell := azsessions.ExecutionRequest{}
		shell.ShellCommand = &[]string{"echo via connect"}[0]
		out, err := sdk.NewExecutionClient().Execute(context.Background(), "sdk", shell, nil)
		require.NoError(t, err)
		require.Equal(t, "via connect\n", *out.Result.Stdout)

		log := s.stop(t, nil) // also requires the default certificate file gone
		require.Contains(t, log, "certificate written to")
		require.Contains(t, log, connectLine(s.endpoint, false, certPath))
		require.NoFileExists(t, certPath)
	})
}

// The connect line, run by a shell, sets exactly the values
// emulator.Connect needs, whatever the characters in the certificate path.
func TestConnectLineRoundTripsThroughAShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, cert := range []string{"", "/tmp/plain.pem", "/tmp/with space/it's $HOME `x`.pem"} {
		line := connectLine("https://127.0.0.1:8443", false, cert)
		out, err := exec.Command(sh, "-c", line+`; printf '%s\n%s\n%s' "$AZSESSIONS_EMULATOR_ENDPOINT" "$AZSESSIONS_EMULATOR_TOKEN" "$AZSESSIONS_EMULATOR_CERT"`).Output()
		require.NoError(t, err, line)
		require.Equal(t, "https://127.0.0.1:8443\n"+emulator.DefaultToken+"\n"+cert, string(out), line)
	}
}

func TestByteSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1000": 1000, "128MiB": 128 << 20, "1G": 1 << 30, "2 kb": 2000, "5B": 5} {
		var b byteSize
		require.NoError(t, b.Set(in), in)
		require.Equal(t, want, int64(b), in)
	}
	for _, in := range []string{"", "-1", "1.5G", "lots", "99999999999G"} {
		var b byteSize
		require.Error(t, b.Set(in), in)
	}
}

// The flags default to the engine's own defaults.
func TestFlagDefaultsAreTheEngines(t *testing.T) {
	f, err := parseFlags(nil, io.Discard)
	require.NoError(t, err)
	require.Equal(t, server.DefaultCooldown, f.cooldown)
	require.Equal(t, server.DefaultMaxSessions, f.maxSessions)
	require.Equal(t, server.DefaultPoolName, f.poolName)
	require.Equal(t, server.DefaultMaxExecutionTimeout, f.maxExecution)
	require.Equal(t, int64(server.DefaultMaxUploadBytes), int64(f.maxUpload))
	require.Equal(t, emulator.DefaultReadySessions, f.ready)
	require.Equal(t, "python3", f.options(nil).Python)
	f, err = parseFlags([]string{"-python", "/opt/py/bin/python3"}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, "/opt/py/bin/python3", f.options(nil).Python)
	_, err = parseFlags([]string{"extra"}, io.Discard)
	require.ErrorContains(t, err, "unexpected arguments")
}
