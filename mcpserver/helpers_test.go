package mcpserver_test

import (
	"context"
	"log/slog"
	"os/exec"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/proctest"
	"github.com/seed-f3fa2c9d/azsessions/internal/testenv"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// fixture is a Server on an emulator, with its log recorded.
type fixture struct {
	srv    *mcpserver.Server
	client *azsessions.Client
	logs   *recorder
}

// newFixture starts an emulator of poolType and a Server on it; opts may be
// nil. Both stop with the test.
func newFixture(t testing.TB, poolType string, opts *mcpserver.Options) *fixture {
	t.Helper()
	if poolType == emulator.PoolTypeShell {
		if _, err := exec.LookPath("bash"); err != nil {
			testenv.Missing(t, "bash", "apt-get install bash")
		}
	} else {
		requirePython(t)
	}
	client := emulator.NewForTest(t, &emulator.Options{PoolType: poolType})
	if opts == nil {
		opts = &mcpserver.Options{}
	}
	logs := newRecorder()
	opts.Logger = slog.New(logs)
	srv, err := mcpserver.New(client, opts)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		require.NoError(t, srv.Close(ctx))
	})
	return &fixture{srv: srv, client: client, logs: logs}
}

// connect opens an in-memory client connection to the fixture's server,
// closed with the test unless the test closes it first.
func (f *fixture) connect(t testing.TB, opts *mcp.ClientOptions) *mcp.ClientSession {
	t.Helper()
	serverT, clientT := mcp.NewInMemoryTransports()
	_, err := f.srv.MCPServer().Connect(testContext(t), serverT, nil)
	require.NoError(t, err)
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "1"}, opts).Connect(testContext(t), clientT, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// requirePython skips (or, in CI, fails) a test that needs the emulator's
// Python when python3 is not installed.
func requirePython(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		testenv.Missing(t, "python3", "apt-get install python3")
	}
}

// liveSessions lists the identifiers of the emulator's sessions.
func (f *fixture) liveSessions(t testing.TB) []string {
	t.Helper()
	var ids []string
	pager := f.client.NewSessionsClient().NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(testContext(t))
		require.NoError(t, err)
		for _, s := range page.Value {
			if s.Identifier != nil {
				ids = append(ids, *s.Identifier)
			}
		}
	}
	return ids
}

// testContext is a context that ends with the test, or after five minutes:
// a hang guard only. At a load of 35 one run_python call (an interpreter's
// start under -race) took over two minutes, the bound this had before.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// call calls a tool and fails the test on a protocol error.
func call(t testing.TB, cs *mcp.ClientSession, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	res, err := cs.CallTool(testContext(t), &mcp.CallToolParams{Name: name, Arguments: args})
	require.NoError(t, err, "calling %s", name)
	return res
}

// text joins a result's text contents.
func text(res *mcp.CallToolResult) string {
	var s string
	for _, c := range res.Content {
		if tc, ok := c.(*mcp.TextContent); ok {
			s += tc.Text
		}
	}
	return s
}

// recorder is a slog.Handler that keeps every record and lets a test wait
// for one.
type recorder struct {
	mu      sync.Mutex
	records []slog.Record
	changed chan struct{}
}

func newRecorder() *recorder { return &recorder{changed: make(chan struct{})} }

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }

func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.records = append(r.records, rec.Clone())
	close(r.changed)
	r.changed = make(chan struct{})
	return nil
}

// attrs returns the string attributes of the records with message msg.
func (r *recorder) attrs(msg, key string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, rec := range r.records {
		if rec.Message != msg {
			continue
		}
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == key {
				out = append(out, a.Value.String())
			}
			return true
		})
	}
	return out
}

// waitFor waits until a record with message msg has attribute key = value.
func (r *recorder) waitFor(t testing.TB, msg, key, value string) {
	t.Helper()
	ctx := testContext(t)
	for {
		r.mu.Lock()
		changed := r.changed
		r.mu.Unlock()
		if slices.Contains(r.attrs(msg, key), value) {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("no log record %q with %s=%s", msg, key, value)
		}
	}
}

// all returns every record's message and attributes as text, for checks on
// what the log must never hold.
func (r *recorder) all() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s string
	for _, rec := range r.records {
		s += rec.Message
		rec.Attrs(func(a slog.Attr) bool {
			s += " " + a.String()
			return true
		})
		s += "\n"
	}
	return s
}

// pngCode is Python that writes a 4×4 red PNG to /mnt/data/name with the
// standard library only.
func pngCode(name string) string {
	return `import struct, zlib
def chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff)
rows = b''.join(b'\x00' + b'\xff\x00\x00' * 4 for _ in range(4))
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 2, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b'')
open('/mnt/data/` + name + `', 'wb').write(png)
print('wrote', len(png), 'bytes')
`
}

// runStarted returns Python code that opens a FIFO on the host (the
// emulator runs code on this machine) and then sleeps for 100 s, and a
// function that waits until the code has opened it: the run is under way.
func runStarted(t *testing.T) (code string, wait func()) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the test waits on a FIFO")
	}
	code, started := proctest.SleepingRun(t)
	return code, func() {
		t.Helper()
		require.NoError(t, started(testContext(t)), "the run never started")
	}
}
