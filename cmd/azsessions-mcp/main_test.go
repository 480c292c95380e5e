package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/proctest"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func noEnv(string) string { return "" }

func TestFlagsAreChecked(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-transport", "sse"}, "-transport"},
		{[]string{"-pool-type", "node"}, "-pool-type"},
		{[]string{"-log-level", "loud"}, "-log-level"},
		{[]string{"-tools", ","}, "-tools"},
		{[]string{"-timeout", "-1s"}, "-timeout"},
		{[]string{"-timeout", "0s"}, "at least 1s"}, // not "no limit", nor silently the default
		{[]string{"-timeout", "0"}, "at least 1s"},
		{[]string{"-timeout", "500ms"}, "at least 1s"},
		{[]string{"-timeout", "5m"}, "at most 3m40s"},
		{[]string{"-max-handles", "0"}, "-max-handles"},
		{[]string{"-max-handles", "many"}, "-max-handles"},
		{[]string{"extra"}, "unexpected"},
	} {
		var stderr bytes.Buffer
		_, err := parseFlags(c.args, noEnv, &stderr)
		assert.ErrorContains(t, err, c.want, c.args)
	}
	cfg, err := parseFlags([]string{"-tools", "run_python, new_session,list_files", "-pool-type", "shell"}, func(k string) string {
		if k == tokenVariable {
			return "from-env"
		}
		return ""
	}, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, []string{"run_python", "list_files"}, cfg.tools)
	assert.Equal(t, "from-env", cfg.token)
	assert.Equal(t, "stdio", cfg.transport)
	assert.Equal(t, "shell", string(cfg.poolType))
	assert.Equal(t, mcpserver.DefaultMaxHandles, cfg.maxHandles)
	cfg, err = parseFlags([]string{"-max-handles", "-1"}, noEnv, io.Discard)
	require.NoError(t, err)
	assert.Equal(t, -1, cfg.maxHandles, "negative: no limit")
}

// TestMaxHandlesFlag runs the command with -max-handles 1: the second
// new_session is an isError result naming the limit, in the singular
// ("1 live session handles" before).
func TestMaxHandlesFlag(t *testing.T) {
	ctx, cancel := context.WithCancel(testContext(t))
	url, token, done := startHTTP(ctx, t, "-max-handles", "1")
	transport := &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearer{token}}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx, transport, nil)
	require.NoError(t, err)
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: mcpserver.ToolNewSession})
	require.NoError(t, err)
	require.False(t, res.IsError)
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: mcpserver.ToolNewSession})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, "already has 1 live session handle, its limit")
	require.NoError(t, cs.Close())
	cancel()
	require.NoError(t, <-done)
}

// lineWriter hands each line written to it to a channel.
type lineWriter struct {
	lines chan string
	mu    sync.Mutex
	buf   bytes.Buffer
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		line, err := w.buf.ReadString('\n')
		if err != nil {
			w.buf.WriteString(line)
			return len(p), nil
		}
		select {
		case w.lines <- strings.TrimSuffix(line, "\n"):
		default:
		}
	}
}

// startHTTP runs the command in this process with -transport http, no
// token and the extra flags until ctx ends, and returns its URL, its
// generated token and where its error arrives.
func startHTTP(ctx context.Context, t *testing.T, extra ...string) (url, token string, done chan error) {
	t.Helper()
	stderr := &lineWriter{lines: make(chan string, 100)}
	done = make(chan error, 1)
	args := append([]string{"-transport", "http", "-addr", "127.0.0.1:0"}, extra...)
	go func() {
		done <- run(ctx, args, noEnv, io.NopCloser(strings.NewReader("")), nopWriteCloser{io.Discard}, stderr)
	}()
	for url == "" || token == "" {
		select {
		case line := <-stderr.lines:
			if _, after, ok := strings.Cut(line, "streamable HTTP at "); ok {
				url = after
			}
			if _, after, ok := strings.Cut(line, "generated bearer token"); ok {
				token = after[strings.LastIndex(after, " ")+1:]
			}
			assert.NotContains(t, line, "AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT is set")
		case err := <-done:
			t.Fatalf("the command ended early: %v", err)
		case <-ctx.Done():
			t.Fatal("no URL and token on stderr")
		}
	}
	return url, token, done
}

// TestHTTPWithAGeneratedToken runs the command in this process with
// -transport http and no token: it prints a token and the URL, and serves
// MCP to a client that sends the token until its context ends.
func TestHTTPWithAGeneratedToken(t *testing.T) {
	ctx, cancel := context.WithCancel(testContext(t))
	url, token, done := startHTTP(ctx, t)
	require.Len(t, token, 26, "rand.Text: 130 bits")

	resp, err := http.Post(url, "application/json", strings.NewReader(`{}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	transport := &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearer{token}}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx, transport, nil)
	require.NoError(t, err)
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": "6*7"}})
	require.NoError(t, err)
	require.False(t, res.IsError)
	assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, "42")
	require.NoError(t, cs.Close())

	cancel()
	require.NoError(t, <-done)
}

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

type bearer struct{ token string }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

// built is the command built once for every test of this run (buildBinary).
var built struct {
	once sync.Once
	dir  string // removed by TestMain
	bin  string
	err  error
	out  []byte
}

// TestMain removes the command buildBinary built.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// buildBinary builds the command into a temporary directory, once per test
// binary: seven tests run it. A build needs no deadline of the test's own
// (the package's -timeout guards a hang): on a fresh machine it compiles
// every dependency without -race, which under load took over a minute.
func buildBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "azsessions-mcp-test")
		if built.err != nil {
			return
		}
		built.bin = filepath.Join(built.dir, "azsessions-mcp")
		if runtime.GOOS == "windows" {
			built.bin += ".exe"
		}
		built.out, built.err = exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput()
	})
	require.NoError(t, built.err, "go build: %s", built.out)
	return built.bin
}

// startBinary starts the built command over stdio with a marker in its
// environment that its descendants inherit, so the test can tell whether
// any outlived it.
func startBinary(t *testing.T, bin string, args ...string) (*exec.Cmd, *mcp.CommandTransport, *bytes.Buffer, string) {
	t.Helper()
	marker := "AZSESSIONS_MCP_TEST_MARK=" + rand.Text()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), marker)
	for i, kv := range cmd.Env {
		if strings.HasPrefix(kv, endpointVariable+"=") {
			cmd.Env[i] = endpointVariable + "=" // the emulator, always
		}
	}
	stderr := &bytes.Buffer{}
	cmd.Stderr = stderr
	t.Cleanup(func() {
		if cmd.Process != nil && cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_, _ = cmd.Process.Wait()
		}
	})
	return cmd, &mcp.CommandTransport{Command: cmd, TerminateDuration: time.Minute}, stderr, marker
}

// processesWith lists live processes whose environment holds marker.
func processesWith(t *testing.T, marker string) []string {
	t.Helper()
	envs, _ := filepath.Glob("/proc/[0-9]*/environ")
	var pids []string
	for _, p := range envs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if bytes.Contains(b, []byte(marker+"\x00")) {
			stat, _ := os.ReadFile(filepath.Join(filepath.Dir(p), "stat"))
			s := string(stat)
			if f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:]); len(f) > 0 && f[0] == "Z" {
				continue
			}
			pids = append(pids, filepath.Base(filepath.Dir(p)))
		}
	}
	return pids
}

func TestBinaryOverStdio(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the leftover-process check reads /proc")
	}
	bin := buildBinary(t)

	t.Run("stdin EOF", func(t *testing.T) {
		cmd, transport, stderr, marker := startBinary(t, bin)
		ctx := testContext(t)
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx, transport, nil)
		require.NoError(t, err)
		tools, err := cs.ListTools(ctx, nil)
		require.NoError(t, err)
		require.NotEmpty(t, tools.Tools)
		assert.Equal(t, "run_python", tools.Tools[0].Name, "over stdio, the run tool is listed first")
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": "import os\nprint('pid', os.getpid())\nsecret_code_marker = 1"}})
		require.NoError(t, err)
		require.False(t, res.IsError)
		assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, "pid")
		require.NotEmpty(t, processesWith(t, marker), "the interpreter runs")

		require.NoError(t, cs.Close(), "closing stdin ends the server, which exits 0")
		assert.True(t, cmd.ProcessState.Success())
		assert.Empty(t, processesWith(t, marker), "no process is left behind")
		log := stderr.String()
		assert.Contains(t, log, "using a local python emulator")
		assert.Contains(t, log, "sandbox deleted")
		assert.NotContains(t, log, "secret_code_marker", "stderr never holds code")
	})

	t.Run("SIGTERM", func(t *testing.T) {
		cmd, transport, stderr, marker := startBinary(t, bin, "-pool-type", "shell")
		ctx := testContext(t)
		cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx, transport, nil)
		require.NoError(t, err)
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_shell", Arguments: map[string]any{"command": "echo hi"}})
		require.NoError(t, err)
		require.False(t, res.IsError)
		require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
		_ = cs.Wait()
		_ = cs.Close()
		require.NotNil(t, cmd.ProcessState)
		assert.True(t, cmd.ProcessState.Success(), "a signal is a clean shutdown: %s", stderr)
		assert.Empty(t, processesWith(t, marker), "no process is left behind")
		assert.Contains(t, stderr.String(), "using a local shell emulator")
	})
}

// TestStdoutCarriesOnlyTheProtocol reads the binary's raw stdout: every
// line must be a JSON-RPC message.
func TestStdoutCarriesOnlyTheProtocol(t *testing.T) {
	bin := buildBinary(t)
	cmd := exec.CommandContext(testContext(t), bin)
	cmd.Env = append(os.Environ(), endpointVariable+"=")
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`,
		`{"jsonrpc":"2.0","method":"notifications/initialized"}`,
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_python","arguments":{"code":"import sys\nprint('to stdout')\nprint('to stderr', file=sys.stderr)"}}}`,
		`{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":4,"method":"tools/list"}`,
	}, "\n") + "\n"
	// Keep stdin open until every answer is in, then close it.
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	_, err = io.WriteString(stdin, in)
	require.NoError(t, err)
	sc := bufio.NewScanner(stdout)
	sc.Buffer(nil, 1<<20)
	answered := map[string]bool{}
	for len(answered) < 4 && sc.Scan() {
		line := sc.Text()
		require.True(t, strings.HasPrefix(line, `{"jsonrpc":"2.0"`), "stdout line is not JSON-RPC: %q", line)
		for _, id := range []string{"1", "2", "3", "4"} {
			if strings.Contains(line, `"id":`+id+`,`) {
				answered[id] = true
			}
		}
	}
	require.Len(t, answered, 4)
	require.NoError(t, stdin.Close())
	require.NoError(t, cmd.Wait())
}

// TestEndpointSelectsThePool runs the command with the endpoint variable
// set: it says it uses that pool (the credential is only asked for a token
// at the first call) and ends at once on the end of stdin.
func TestEndpointSelectsThePool(t *testing.T) {
	env := func(k string) string {
		if k == endpointVariable {
			return "https://pool.example.invalid/subscriptions/s/resourceGroups/g/sessionPools/p"
		}
		return ""
	}
	var stderr bytes.Buffer
	var stdout bytes.Buffer
	err := run(testContext(t), []string{"-pool-type", "shell"}, env, io.NopCloser(strings.NewReader("")), nopWriteCloser{&stdout}, &stderr)
	require.NoError(t, err)
	assert.Contains(t, stderr.String(), "using the session pool at https://pool.example.invalid/")
	assert.Contains(t, stderr.String(), "as a shell pool")
	assert.NotContains(t, stderr.String(), "emulator")
	assert.Empty(t, stdout.String(), "nothing but the protocol on stdout")
}

// TestShutdownDuringARun ends the binary while a run sleeps for 100 s (with
// a 210 s timeout): SIGTERM, SIGINT, SIGHUP and the end of stdin each stop the run,
// delete its sandbox and exit 0 well before the run would have ended, and no
// process is left behind.
func TestShutdownDuringARun(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the test reads /proc and waits on a FIFO")
	}
	bin := buildBinary(t)
	defaultSignals(t, syscall.SIGINT, syscall.SIGHUP)
	for _, how := range []string{"SIGTERM", "SIGINT", "SIGHUP", "stdin EOF"} {
		t.Run(how, func(t *testing.T) {
			m := startMidRun(t, bin, io.Discard)
			require.NotEmpty(t, processesWith(t, m.marker))

			switch how {
			case "SIGTERM":
				require.NoError(t, m.cmd.Process.Signal(syscall.SIGTERM))
			case "SIGINT":
				require.NoError(t, m.cmd.Process.Signal(syscall.SIGINT))
			case "SIGHUP":
				require.NoError(t, m.cmd.Process.Signal(syscall.SIGHUP))
			default:
				require.NoError(t, m.stdin.Close())
			}
			err := m.exit(t)
			require.NoError(t, err, "a shutdown is a clean exit: %s", m.stderr)
			assert.Empty(t, processesWith(t, m.marker), "no process is left behind")
			log := m.stderr.String()
			assert.NotContains(t, log, "failed", "every sandbox was deleted")
			assert.Contains(t, log, "sandbox deleted")
		})
	}
}

// defaultSignals makes sure the binaries the test starts get sigs at their
// default action, as from a terminal. A test run under nohup, or started in
// the background by a shell, has them ignored, and its children inherit
// that: the binary then rightly keeps them ignored (TestIgnoredHangupStaysIgnored),
// and a test that signals it waits in vain. exec resets a caught signal to
// its default, so catching them here (and dropping them) for the test's
// duration is enough.
func defaultSignals(t *testing.T, sigs ...os.Signal) {
	var ignored []os.Signal
	for _, sig := range sigs {
		if signal.Ignored(sig) {
			ignored = append(ignored, sig)
		}
	}
	if len(ignored) == 0 {
		return
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, ignored...)
	t.Cleanup(func() { signal.Stop(ch) })
}

// TestHTTPShutdownDuringARun ends the command serving HTTP while a run
// sleeps for 100 s (with a 210 s timeout): it returns well before the run
// would have ended, and the call gets an answer.
func TestHTTPShutdownDuringARun(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the test waits on a FIFO")
	}
	code, started := proctest.SleepingRun(t)
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	url, token, done := startHTTP(ctx, t)
	transport := &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearer{token}}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(testContext(t), transport, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	answered := make(chan error, 1)
	go func() {
		_, err := cs.CallTool(testContext(t), &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": code, "timeout_seconds": 210}})
		answered <- err
	}()
	require.NoError(t, started(testContext(t)))

	cancel()
	wait, stop := context.WithTimeout(context.Background(), 60*time.Second)
	defer stop()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-wait.Done():
		t.Fatal("the command waited for the run")
	}
	select {
	case <-answered:
	case <-wait.Done():
		t.Fatal("the call got no answer")
	}
}
