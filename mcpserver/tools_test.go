package mcpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

func TestListToolsMirrorsTheToolkit(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	res, err := cs.ListTools(testContext(t), nil)
	require.NoError(t, err)

	defs := f.srv.Toolkit().Definitions()
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	want := []string{}
	for _, d := range defs {
		want = append(want, d.Name)
	}
	want = append(want, mcpserver.ToolNewSession)
	assert.ElementsMatch(t, want, names)
	assert.NotContains(t, names, agenttool.ToolDeleteFile, "delete_file is off by default")

	for _, d := range agenttool.ForConcurrentCalls(defs) {
		tool := res.Tools[slices.Index(names, d.Name)]
		assert.Equal(t, d.Description, tool.Description, d.Name)
		schema := tool.InputSchema.(map[string]any)
		props := schema["properties"].(map[string]any)
		for p := range d.InputSchema["properties"].(map[string]any) {
			assert.Contains(t, props, p, "%s keeps its argument %s", d.Name, p)
		}
		require.Contains(t, props, "session", "%s takes a session handle", d.Name)
		assert.Equal(t, []any{"string", "null"}, props["session"].(map[string]any)["type"])
		assert.Contains(t, schema["required"], "session", "strict schemas stay strict")
		assert.Equal(t, false, schema["additionalProperties"])
		require.NotNil(t, tool.OutputSchema, d.Name)
		require.NotNil(t, tool.Annotations, d.Name)
		assert.Equal(t, d.ReadOnly, tool.Annotations.ReadOnlyHint, d.Name)
		require.NotNil(t, tool.Annotations.DestructiveHint, d.Name)
		assert.Equal(t, d.Destructive, *tool.Annotations.DestructiveHint, d.Name)
		assert.NotEmpty(t, tool.Title, d.Name)
	}
	byName := func(n string) *mcp.Tool { return res.Tools[slices.Index(names, n)] }
	assert.True(t, byName(agenttool.ToolListFiles).Annotations.ReadOnlyHint)
	assert.True(t, byName(agenttool.ToolPoolInfo).Annotations.ReadOnlyHint)
	assert.True(t, *byName(agenttool.ToolResetSession).Annotations.DestructiveHint)
	assert.False(t, byName(agenttool.ToolRunPython).Annotations.ReadOnlyHint)
	// Absent, openWorldHint means true: only code may reach outside.
	for _, tool := range res.Tools {
		require.NotNil(t, tool.Annotations.OpenWorldHint, tool.Name)
		assert.Equal(t, tool.Name == agenttool.ToolRunPython, *tool.Annotations.OpenWorldHint, tool.Name)
	}
	// The SDK runs a connection's calls concurrently, so the model is told
	// that calls sent together may run in any order.
	assert.Contains(t, byName(agenttool.ToolRunPython).Description, agenttool.UnorderedCallsNote)
	assert.NotContains(t, byName(agenttool.ToolListFiles).Description, agenttool.UnorderedCallsNote)
}

func TestShellPoolOffersRunShell(t *testing.T) {
	f := newFixture(t, "shell", &mcpserver.Options{Toolkit: agenttool.Options{PoolType: agenttool.PoolTypeShell}})
	cs := f.connect(t, nil)
	res := call(t, cs, agenttool.ToolRunShell, map[string]any{"command": "echo hello from $0", "stdin": nil, "timeout_seconds": nil})
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "hello from")
	_, err := cs.CallTool(testContext(t), &mcp.CallToolParams{Name: agenttool.ToolRunPython, Arguments: map[string]any{"code": "1"}})
	require.Error(t, err, "a shell pool has no run_python")
}

// TestCallEachTool calls every tool once, as a model would, and checks the
// structured result against the tool's output schema.
func TestCallEachTool(t *testing.T) {
	f := newFixture(t, "", &mcpserver.Options{Toolkit: agenttool.Options{EnableDelete: true}})
	cs := f.connect(t, nil)
	listed, err := cs.ListTools(testContext(t), nil)
	require.NoError(t, err)
	schemas := map[string]*jsonschema.Resolved{}
	for _, tool := range listed.Tools {
		var s jsonschema.Schema
		raw, err := json.Marshal(tool.OutputSchema)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &s), tool.Name)
		resolved, err := s.Resolve(nil)
		require.NoError(t, err, tool.Name)
		schemas[tool.Name] = resolved
	}

	calls := []struct {
		tool string
		args map[string]any
		want string
	}{
		{agenttool.ToolPoolInfo, map[string]any{}, ""},
		{agenttool.ToolUploadFile, map[string]any{"path": "data.csv", "content": "a,b\n1,2\n", "encoding": "text"}, "data.csv"},
		{agenttool.ToolListFiles, map[string]any{"path": nil, "recursive": nil}, "data.csv"},
		{agenttool.ToolDownloadFile, map[string]any{"path": "/mnt/data/data.csv"}, "a,b"},
		{agenttool.ToolRunPython, map[string]any{"code": "x = 21\nprint(open('/mnt/data/data.csv').read().splitlines()[1])\nx * 2", "timeout_seconds": nil}, "1,2"},
		{agenttool.ToolDeleteFile, map[string]any{"path": "data.csv"}, "data.csv"},
		{agenttool.ToolResetSession, map[string]any{}, ""},
		{mcpserver.ToolNewSession, map[string]any{}, "azs1_"},
	}
	require.Len(t, calls, len(listed.Tools), "every tool is called")
	for _, c := range calls {
		res := call(t, cs, c.tool, c.args)
		require.False(t, res.IsError, "%s: %s", c.tool, text(res))
		assert.Contains(t, text(res), c.want, c.tool)
		require.NotNil(t, res.StructuredContent, c.tool)
		// The client hands structured content over as decoded JSON.
		assert.NoError(t, schemas[c.tool].Validate(res.StructuredContent), "%s: structured content matches the output schema", c.tool)
	}
	assert.NotContains(t, f.logs.all(), "a,b", "the log holds no file contents")
	assert.NotContains(t, f.logs.all(), "splitlines", "the log holds no code")
}

func TestImagesArriveAsImageContent(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	res := call(t, cs, agenttool.ToolRunPython, map[string]any{"code": pngCode("red.png")})
	require.False(t, res.IsError, text(res))
	var images []*mcp.ImageContent
	for _, c := range res.Content {
		if img, ok := c.(*mcp.ImageContent); ok {
			images = append(images, img)
		}
	}
	require.Len(t, images, 1, text(res))
	assert.Equal(t, "image/png", images[0].MIMEType)
	assert.True(t, bytes.HasPrefix(images[0].Data, pngSignature), "the image's bytes arrive decoded")
	assert.NotContains(t, text(res), "iVBOR", "no base64 in the text")

	res = call(t, cs, agenttool.ToolDownloadFile, map[string]any{"path": "red.png"})
	require.False(t, res.IsError, text(res))
	require.Len(t, res.Content, 2)
	img, ok := res.Content[1].(*mcp.ImageContent)
	require.True(t, ok, "download_file of a PNG gives an image")
	assert.True(t, bytes.HasPrefix(img.Data, pngSignature))
}

func TestFailingRunIsError(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	res := call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "1/0"})
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "ZeroDivisionError")
	assert.Contains(t, text(res), "status: failed")
}

func TestBadCallsFailAndTheServerKeepsServing(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	ctx := testContext(t)

	_, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "no_such_tool", Arguments: map[string]any{}})
	require.Error(t, err, "an unknown tool is a protocol error")
	assert.Contains(t, err.Error(), "no_such_tool")

	for _, c := range []struct {
		name string
		args any
		want string
	}{
		{"code of the wrong type", map[string]any{"code": 5}, "code"},
		{"missing code", map[string]any{}, "code"},
		{"unknown argument", map[string]any{"code": "1", "shell": true}, "shell"},
		{"session of the wrong type", map[string]any{"code": "1", "session": 7}, "session"},
		{"forged session handle", map[string]any{"code": "1", "session": "azs1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "new_session"},
		{"identifier as session", map[string]any{"code": "1", "session": "agent-0123"}, "new_session"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: agenttool.ToolRunPython, Arguments: c.args})
			require.NoError(t, err)
			assert.True(t, res.IsError)
			assert.Contains(t, text(res), c.want)
		})
	}
	res := call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "print('still here')"})
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "still here")
}

func TestConnectionsAndHandlesKeepSandboxesApart(t *testing.T) {
	f := newFixture(t, "", nil)
	a := f.connect(t, nil)
	b := f.connect(t, nil)

	require.False(t, call(t, a, agenttool.ToolRunPython, map[string]any{"code": "secret = 'a'"}).IsError)
	res := call(t, b, agenttool.ToolRunPython, map[string]any{"code": "print(secret)"})
	assert.True(t, res.IsError, "b must not see a's variables")
	assert.Contains(t, text(res), "NameError")

	created := call(t, a, mcpserver.ToolNewSession, nil)
	handle := created.StructuredContent.(map[string]any)["session"].(string)
	assert.Contains(t, text(created), handle)
	require.False(t, call(t, a, agenttool.ToolRunPython, map[string]any{"code": "shared = 42", "session": handle}).IsError)

	res = call(t, b, agenttool.ToolRunPython, map[string]any{"code": "print(shared)", "session": handle})
	require.False(t, res.IsError, "another connection with the handle shares its sandbox: %s", text(res))
	assert.Contains(t, text(res), "42")
	res = call(t, a, agenttool.ToolRunPython, map[string]any{"code": "print(shared)", "session": nil})
	assert.True(t, res.IsError, "without the handle, a's own sandbox")
	res = call(t, a, agenttool.ToolRunPython, map[string]any{"code": "print(secret)"})
	require.False(t, res.IsError, text(res))

	other := call(t, a, mcpserver.ToolNewSession, nil).StructuredContent.(map[string]any)["session"].(string)
	assert.NotEqual(t, handle, other)
	res = call(t, a, agenttool.ToolRunPython, map[string]any{"code": "print(shared)", "session": other})
	assert.True(t, res.IsError, "two handles, two sandboxes")
}

func TestSandboxIsDeletedWhenTheClientGoesAway(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	require.False(t, call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "1"}).IsError)
	ids := f.logs.attrs("tool call", "session")
	require.Len(t, ids, 1)
	require.Contains(t, f.liveSessions(t), ids[0])

	require.NoError(t, cs.Close())
	f.logs.waitFor(t, "MCP session ended; sandbox deleted", "session", ids[0])
	assert.NotContains(t, f.liveSessions(t), ids[0])
}

func TestCloseDeletesHandleSandboxes(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	handle := call(t, cs, mcpserver.ToolNewSession, nil).StructuredContent.(map[string]any)["session"].(string)
	require.False(t, call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "1", "session": handle}).IsError)
	require.False(t, call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "2"}).IsError)
	require.Len(t, f.liveSessions(t), 2)

	require.NoError(t, f.srv.Close(testContext(t)))
	assert.Empty(t, f.liveSessions(t), "Close deletes every sandbox the server made")
	res, err := cs.CallTool(testContext(t), &mcp.CallToolParams{Name: agenttool.ToolRunPython, Arguments: map[string]any{"code": "1"}})
	require.NoError(t, err)
	assert.True(t, res.IsError, "calls after Close fail")
	assert.Contains(t, text(res), "shutting down")
}

func TestProgressWhileARunIsLong(t *testing.T) {
	f := newFixture(t, "", &mcpserver.Options{ProgressInterval: 10 * time.Millisecond})
	// The run waits for a file on the host (the emulator runs code here),
	// which the test creates once progress has arrived: the run can only
	// end after at least one notification.
	release := filepath.Join(t.TempDir(), "release")
	var got, untokened atomic.Int32
	cs := f.connect(t, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			// A notification of the first call may still be on its way
			// when the second starts; only one without the first call's
			// token can belong to the second.
			if req.Params.ProgressToken != "tok-1" {
				untokened.Add(1)
				return
			}
			if got.Add(1) == 1 {
				_ = os.WriteFile(release, nil, 0o600)
			}
			assert.Contains(t, req.Params.Message, "run_python still running")
		},
	})
	params := &mcp.CallToolParams{Name: agenttool.ToolRunPython, Arguments: map[string]any{
		"code": "import os, time\nwhile not os.path.exists(" + pyString(release) + "):\n    time.sleep(0.01)\nprint('released')",
	}}
	params.SetProgressToken("tok-1")
	res, err := cs.CallTool(testContext(t), params)
	require.NoError(t, err)
	require.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "released")
	assert.GreaterOrEqual(t, got.Load(), int32(1))

	// Without a progress token, no notification.
	res = call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "import time\ntime.sleep(0.2)"})
	require.False(t, res.IsError, text(res))
	assert.Zero(t, untokened.Load(), "a call without a progress token got progress notifications")
}

func pyString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestToolsOptionLimitsTheSet(t *testing.T) {
	f := newFixture(t, "", &mcpserver.Options{Toolkit: agenttool.Options{Tools: []string{agenttool.ToolRunPython}}})
	cs := f.connect(t, nil)
	res, err := cs.ListTools(testContext(t), nil)
	require.NoError(t, err)
	var names []string
	for _, tool := range res.Tools {
		names = append(names, tool.Name)
	}
	assert.ElementsMatch(t, []string{agenttool.ToolRunPython, mcpserver.ToolNewSession}, names)
	_, err = cs.CallTool(testContext(t), &mcp.CallToolParams{Name: agenttool.ToolListFiles, Arguments: map[string]any{}})
	assert.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), agenttool.ToolListFiles))
}

// wrongToken is a credential whose token the emulator refuses.
type wrongToken struct{}

func (wrongToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "wrong", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

func TestHostFailureIsAnErrorResultThatBlamesTheService(t *testing.T) {
	requirePython(t)
	emu := emulator.StartForTest(t, &emulator.Options{Token: "the-right-token"})
	client, err := azsessions.NewClient(emu.Endpoint(), wrongToken{}, emu.ClientOptions())
	require.NoError(t, err)
	logs := newRecorder()
	srv, err := mcpserver.New(client, &mcpserver.Options{Logger: slog.New(logs)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	f := &fixture{srv: srv, client: client, logs: logs}
	cs := f.connect(t, nil)

	res := call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "print('never runs')"})
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), "The sandbox service failed (it answered HTTP 401")
	assert.Contains(t, text(res), "not caused by your code")
	assert.Contains(t, logs.all(), "HTTP 401")
	assert.NotContains(t, logs.all(), "never runs")
}

// The first call of a new connection starts its sandbox; nothing was
// deleted, so the result must not tell the model its state is gone.
func TestFirstCallOfAConnectionSaysNothingWasDeleted(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	res := call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "x = 1\nx"})
	require.False(t, res.IsError, text(res))
	assert.NotContains(t, text(res), "deleted")
	assert.NotContains(t, text(res), "note:")
}

// new_session takes no arguments, and says so, as the toolkit's tools do,
// rather than ignoring a name or a handle the model thought it could pass.
func TestNewSessionRefusesArguments(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	for _, args := range []map[string]any{{"name": "analysis"}, {"session": "azs1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}} {
		res := call(t, cs, mcpserver.ToolNewSession, args)
		assert.True(t, res.IsError, "%v: %s", args, text(res))
		assert.Contains(t, text(res), "takes no arguments")
	}
	for _, args := range []map[string]any{nil, {}, {"session": nil}} {
		res := call(t, cs, mcpserver.ToolNewSession, args)
		assert.False(t, res.IsError, "%v: %s", args, text(res))
	}
}
