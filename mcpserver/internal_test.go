package mcpserver

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/testenv"
)

func TestSplitSessionArg(t *testing.T) {
	for _, c := range []struct {
		in, rest, handle, err string
	}{
		{in: `{"code":"1"}`, rest: `{"code":"1"}`},
		{in: ``, rest: `{}`},
		{in: `null`, rest: `{}`},
		{in: `{"code":"1","session":"azs1_x"}`, rest: `{"code":"1"}`, handle: "azs1_x"},
		{in: `{"code":"1","session":null}`, rest: `{"code":"1"}`},
		{in: `{"code":"session"}`, rest: `{"code":"session"}`},
		{in: `{"session":5}`, err: "must be a string"},
		{in: `["session"]`, err: "JSON object"},
	} {
		rest, handle, err := splitSessionArg(json.RawMessage(c.in))
		if c.err != "" {
			assert.ErrorContains(t, err, c.err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		assert.JSONEq(t, c.rest, string(rest), c.in)
		assert.Equal(t, c.handle, handle, c.in)
	}
}

func TestParseFileURI(t *testing.T) {
	for _, c := range []struct {
		uri, handle, dir, name, err string
	}{
		{uri: "azsessions://files/a.txt", name: "a.txt"},
		{uri: "azsessions://files/out/sub/a%20b.png", dir: "out/sub", name: "a b.png"},
		{uri: "azsessions://sessions/azs1_h/files/x/y.csv", handle: "azs1_h", dir: "x", name: "y.csv"},
		{uri: "azsessions://files/a/../../b", err: "inside /mnt/data"},
		{uri: "azsessions://files/a%2F..%2F..%2Fb", err: "inside /mnt/data"},
		{uri: "azsessions://files/a%00b", err: "inside /mnt/data"},
		{uri: "azsessions://files/a\\b", err: "inside /mnt/data"},
		{uri: "azsessions://files/", err: "no file"},
		{uri: "azsessions://sessions//files/a", err: "not found"},
		{uri: "azsessions://other/a", err: "not found"},
	} {
		handle, dir, name, err := parseFileURI(c.uri)
		if c.err != "" {
			require.Error(t, err, c.uri)
			assert.Contains(t, strings.ToLower(err.Error()), c.err, c.uri)
			continue
		}
		require.NoError(t, err, c.uri)
		assert.Equal(t, []string{c.handle, c.dir, c.name}, []string{handle, dir, name}, c.uri)
	}
}

func TestWithSessionArgKeepsLooseSchemasLoose(t *testing.T) {
	in := map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}}
	out := withSessionArg(in)
	assert.NotContains(t, in["properties"], "session", "the toolkit's schema is not changed")
	assert.Equal(t, "string", out["properties"].(map[string]any)["session"].(map[string]any)["type"])
	assert.Nil(t, out["required"])
}

func TestHandles(t *testing.T) {
	table, err := newSessionTable(nil, []byte("key"), 0)
	require.NoError(t, err)
	other, err := newSessionTable(nil, []byte("another key"), 0)
	require.NoError(t, err)
	nonce := []byte("0123456789abcdef")
	raw := append(append([]byte{}, nonce...), table.tag(nonce)...)
	handle := handlePrefix + base64.RawURLEncoding.EncodeToString(raw)
	got, ok := table.verify(handle)
	assert.True(t, ok)
	assert.Equal(t, nonce, got)
	_, ok = other.verify(handle)
	assert.False(t, ok, "a handle is only valid under its key")
	for _, bad := range []string{"", "azs1_", handle[:len(handle)-1], strings.Replace(handle, "azs1_", "azs2_", 1), handle + "A"} {
		_, ok := table.verify(bad)
		assert.False(t, ok, bad)
	}
}

func TestIdleHandleSandboxesAreDeleted(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		testenv.Missing(t, "python3", "apt-get install python3")
	}
	client := emulator.NewForTest(t, nil)
	srv, err := New(client, &Options{HandleIdleTimeout: -1, Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	ctx := context.Background()
	t.Cleanup(func() { _ = srv.Close(ctx) })

	busy, err := srv.sessions.newHandle(time.Now())
	require.NoError(t, err)
	idle, err := srv.sessions.newHandle(time.Now())
	require.NoError(t, err)
	run := func(handle string) string {
		sess, _, release, err := srv.sessions.acquire(context.Background(), nil, handle, time.Now())
		require.NoError(t, err)
		defer release()
		res, err := sess.Call(ctx, "run_python", json.RawMessage(`{"code":"1"}`))
		require.NoError(t, err)
		require.False(t, res.IsError, res.Text)
		return sess.Identifier()
	}
	idleID := run(idle)
	busyID := run(busy)
	// busy is in a call when the sweep runs.
	_, _, releaseBusy, err := srv.sessions.acquire(context.Background(), nil, busy, time.Now())
	require.NoError(t, err)

	srv.sweep(time.Now().Add(time.Hour))
	releaseBusy()

	live := liveIDs(t, srv)
	assert.NotContains(t, live, idleID, "the idle handle's sandbox is deleted")
	assert.Contains(t, live, busyID, "a handle in a call is kept")

	// The idle handle still works: its sandbox starts clean.
	sess, _, release, err := srv.sessions.acquire(context.Background(), nil, idle, time.Now())
	require.NoError(t, err)
	res, err := sess.Call(ctx, "run_python", json.RawMessage(`{"code":"print(1+1)"}`))
	release()
	require.NoError(t, err)
	assert.Contains(t, res.Text, "2")
}

func liveIDs(t *testing.T, srv *Server) []string {
	var ids []string
	pager := srv.client.NewSessionsClient().NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		require.NoError(t, err)
		for _, s := range page.Value {
			ids = append(ids, *s.Identifier)
		}
	}
	return ids
}

func TestMediaTypeComesFromTheServersOwnTable(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"data.csv", []byte("a,b\n1,2\n"), "text/csv; charset=utf-8"},
		{"NOTES.MD", []byte("# hi"), "text/markdown; charset=utf-8"},
		{"t.parquet", []byte("PAR1"), "application/vnd.apache.parquet"},
		{"c.yaml", []byte("a: 1"), "application/yaml"},
		{"chart.PNG", png, "image/png"},
		{"latin1.txt", []byte("caf\xe9"), "text/plain"},
		{"no-extension", png, "image/png"},
		{"x.unknownext", []byte("plain words"), "text/plain; charset=utf-8"},
	} {
		assert.Equal(t, c.want, mediaType(c.name, c.data), c.name)
	}
}

// TestSweptHandleSaysItStartsEmpty calls a handle whose sandbox the idle
// sweep deleted: that call's text and structured notes say the sandbox is
// new and empty; the next call's do not.
func TestSweptHandleSaysItStartsEmpty(t *testing.T) {
	srv, ctx := newTestServer(t, &Options{HandleIdleTimeout: time.Hour})
	cs := connectInMemory(ctx, t, srv)
	run := func(args map[string]any) (string, []any) {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: args})
		require.NoError(t, err)
		out := res.StructuredContent.(map[string]any)
		return res.Content[0].(*mcp.TextContent).Text, out["notes"].([]any)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolNewSession})
	require.NoError(t, err)
	handle := res.StructuredContent.(map[string]any)["session"].(string)
	text, notes := run(map[string]any{"code": "kept = 1", "session": handle})
	assert.NotContains(t, text, "deleted after")
	assert.Empty(t, notes)

	srv.sweep(time.Now().Add(2 * time.Hour))
	text, notes = run(map[string]any{"code": "print('kept' in dir())", "session": handle})
	assert.Contains(t, text, "False")
	const want = "This handle's sandbox was deleted after 60 minutes without calls, so this call started in an empty one"
	assert.Contains(t, text, "status: succeeded\nnote: "+want)
	require.NotEmpty(t, notes)
	assert.Contains(t, notes[0], want)

	text, notes = run(map[string]any{"code": "1", "session": handle})
	assert.NotContains(t, text, "deleted after", "only the first call after the sweep says so")
	assert.Empty(t, notes)
}

// TestSweptNoteKeepsTheFailureLine calls a swept handle with code that
// raises: the note comes after the status and failure lines, so a failed
// run's second line is still its failure, as the layout says.
func TestSweptNoteKeepsTheFailureLine(t *testing.T) {
	srv, ctx := newTestServer(t, &Options{HandleIdleTimeout: time.Hour})
	cs := connectInMemory(ctx, t, srv)
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolNewSession})
	require.NoError(t, err)
	handle := res.StructuredContent.(map[string]any)["session"].(string)
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": "1", "session": handle}})
	require.NoError(t, err)
	require.False(t, res.IsError)

	srv.sweep(time.Now().Add(2 * time.Hour))
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": "raise ValueError('boom')", "session": handle}})
	require.NoError(t, err)
	require.True(t, res.IsError)
	lines := strings.Split(res.Content[0].(*mcp.TextContent).Text, "\n")
	require.GreaterOrEqual(t, len(lines), 3)
	assert.Equal(t, "status: failed", lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "failure: error: "), "line 2: %q", lines[1])
	assert.True(t, strings.HasPrefix(lines[2], "note: This handle's sandbox was deleted after 60 minutes"), "line 3: %q", lines[2])
}

// TestHandlesAreCapped asks for more handles than MaxHandles: past the cap
// new_session is an isError result saying what to do, and the handles
// already issued keep working.
func TestHandlesAreCapped(t *testing.T) {
	srv, ctx := newTestServer(t, &Options{MaxHandles: 2})
	cs := connectInMemory(ctx, t, srv)
	var handles []string
	for range 2 {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolNewSession})
		require.NoError(t, err)
		require.False(t, res.IsError)
		handles = append(handles, res.StructuredContent.(map[string]any)["session"].(string))
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolNewSession})
	require.NoError(t, err)
	assert.True(t, res.IsError)
	assert.Contains(t, res.Content[0].(*mcp.TextContent).Text, "already has 2 live session handles, its limit")
	for _, h := range handles {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": "1", "session": h}})
		require.NoError(t, err)
		assert.False(t, res.IsError, "an issued handle keeps working")
	}
	srv.sweep(time.Now().Add(time.Hour))
	res, err = cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolNewSession})
	require.NoError(t, err)
	assert.False(t, res.IsError, "the sweep frees handles")
}

// newTestServer returns a Server with opts on an emulator, closed with the
// test, and a context that bounds the test's waits.
func newTestServer(t *testing.T, opts *Options) (*Server, context.Context) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		testenv.Missing(t, "python3", "apt-get install python3")
	}
	opts.Logger = slog.New(slog.DiscardHandler)
	srv, err := New(emulator.NewForTest(t, nil), opts)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	return srv, ctx
}

// connectInMemory opens an in-memory client connection to srv, closed
// with the test.
func connectInMemory(ctx context.Context, t *testing.T, srv *Server) *mcp.ClientSession {
	t.Helper()
	serverT, clientT := mcp.NewInMemoryTransports()
	_, err := srv.MCPServer().Connect(ctx, serverT, nil)
	require.NoError(t, err)
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx, clientT, nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// TestResourceReadKeepsHandleAlive reads a file of a handle's sandbox as a
// resource, then sweeps the handles idle since before the read: the read
// counted as use, so the sandbox and its file are still there.
func TestResourceReadKeepsHandleAlive(t *testing.T) {
	srv, ctx := newTestServer(t, &Options{HandleIdleTimeout: time.Hour})
	cs := connectInMemory(ctx, t, srv)
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: ToolNewSession})
	require.NoError(t, err)
	handle := res.StructuredContent.(map[string]any)["session"].(string)
	run := func(code string) string {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": code, "session": handle}})
		require.NoError(t, err)
		require.False(t, res.IsError)
		return res.Content[0].(*mcp.TextContent).Text
	}
	run("open('/mnt/data/kept.txt', 'w').write('still here')")

	beforeRead := time.Now()
	read, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: sessionPrefix + handle + "/files/kept.txt"})
	require.NoError(t, err)
	require.Equal(t, "still here", read.Contents[0].Text)
	srv.sweep(beforeRead)

	text := run("print(open('/mnt/data/kept.txt').read())")
	assert.NotContains(t, text, "deleted after")
	assert.Contains(t, text, "still here")
}
