package mcpserver_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

func TestFilesAreResources(t *testing.T) {
	f := newFixture(t, "", &mcpserver.Options{MaxResourceBytes: 1000})
	cs := f.connect(t, nil)
	ctx := testContext(t)

	templates, err := cs.ListResourceTemplates(ctx, nil)
	require.NoError(t, err)
	var uris []string
	for _, tmpl := range templates.ResourceTemplates {
		uris = append(uris, tmpl.URITemplate)
	}
	assert.ElementsMatch(t, []string{mcpserver.FileTemplate, mcpserver.SessionFileTemplate}, uris)

	_, err = cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "azsessions://files/notes.txt"})
	require.Error(t, err, "a connection with no sandbox yet has no files")

	code := pngCode("out/red.png") + "\nopen('/mnt/data/notes.txt', 'w').write('hello, resources')\nopen('/mnt/data/big.txt', 'w').write('x' * 2000)"
	res := call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "import os\nos.makedirs('/mnt/data/out', exist_ok=True)\n" + code})
	require.False(t, res.IsError, text(res))

	got, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "azsessions://files/notes.txt"})
	require.NoError(t, err)
	require.Len(t, got.Contents, 1)
	assert.Equal(t, "hello, resources", got.Contents[0].Text)
	assert.Equal(t, "azsessions://files/notes.txt", got.Contents[0].URI)
	assert.True(t, strings.HasPrefix(got.Contents[0].MIMEType, "text/plain"), got.Contents[0].MIMEType)

	got, err = cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "azsessions://files/out/red.png"})
	require.NoError(t, err)
	assert.Equal(t, "image/png", got.Contents[0].MIMEType)
	assert.True(t, bytes.HasPrefix(got.Contents[0].Blob, pngSignature), "binary files are blobs")

	for _, c := range []struct{ uri, want string }{
		{"azsessions://files/big.txt", "larger than 1000 bytes"},
		{"azsessions://files/missing.txt", "not found"},
		{"azsessions://files/../../etc/passwd", "inside /mnt/data"},
		{"azsessions://files/out/%2e%2e/%2e%2e/etc/passwd", "inside /mnt/data"},
		{"azsessions://files/", "no file"},
		{"azsessions://sessions/azs1_forged/files/notes.txt", "new_session"},
	} {
		_, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: c.uri})
		require.Error(t, err, c.uri)
		assert.Contains(t, strings.ToLower(err.Error()), strings.ToLower(c.want), c.uri)
	}

	handle := call(t, cs, mcpserver.ToolNewSession, nil).StructuredContent.(map[string]any)["session"].(string)
	res = call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": "h.txt", "content": "in the handle's sandbox", "encoding": "text", "session": handle})
	require.False(t, res.IsError, text(res))
	got, err = cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "azsessions://sessions/" + handle + "/files/h.txt"})
	require.NoError(t, err)
	assert.Equal(t, "in the handle's sandbox", got.Contents[0].Text)
	_, err = cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "azsessions://files/h.txt"})
	assert.Error(t, err, "the connection's own sandbox does not have the handle's files")
}

// TestResourceErrorsAreInvalidParams checks the JSON-RPC code of each
// resource a client cannot read: -32602 (invalid params, which the SDK's
// resource-not-found is too), never 0.
func TestResourceErrorsAreInvalidParams(t *testing.T) {
	f := newFixture(t, "", &mcpserver.Options{MaxResourceBytes: 10})
	cs := f.connect(t, nil)
	ctx := testContext(t)
	res := call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": "big.txt", "content": "more than ten bytes"})
	require.False(t, res.IsError, text(res))
	for _, uri := range []string{
		"azsessions://files/big.txt",
		"azsessions://files/missing.txt",
		"azsessions://files/../../etc/passwd",
		"azsessions://files/%zz",
		"azsessions://files/",
		"azsessions://sessions/azs1_forged/files/notes.txt",
		"azsessions://elsewhere/a.txt",
	} {
		_, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
		var wire *jsonrpc.Error
		require.ErrorAs(t, err, &wire, uri)
		assert.Equal(t, int64(jsonrpc.CodeInvalidParams), wire.Code, "%s: %v", uri, err)
	}
}

// TestReadingAHandleFileLeavesNoSandbox reads a resource of a handle that
// no tool has used: the read makes the pool create the sandbox, and Close
// deletes it.
func TestReadingAHandleFileLeavesNoSandbox(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	handle := call(t, cs, mcpserver.ToolNewSession, nil).StructuredContent.(map[string]any)["session"].(string)
	_, err := cs.ReadResource(testContext(t), &mcp.ReadResourceParams{URI: "azsessions://sessions/" + handle + "/files/x.txt"})
	require.Error(t, err, "a fresh sandbox has no files")
	require.NoError(t, f.srv.Close(testContext(t)))
	assert.Empty(t, f.liveSessions(t), "Close deletes the sandbox the read made")
}

// A resource URI a client made megabytes long is quoted by its head in
// every refusal: the SDK's not-found (no template matches), the server's
// not-found (no such file) and its invalid-params answers (a path that
// leaves /mnt/data, a file over the limit).
func TestResourceErrorsClipTheURI(t *testing.T) {
	f := newFixture(t, "", &mcpserver.Options{MaxResourceBytes: 10})
	cs := f.connect(t, nil)
	ctx := testContext(t)
	long := strings.Repeat("x", 100_000)
	res := call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": long[:200] + ".txt", "content": "more than ten bytes"})
	require.False(t, res.IsError, text(res))
	for _, c := range []struct{ uri, says string }{
		{"azsessions://elsewhere/" + long, "Resource not found"},
		{"azsessions://files/" + long[:250], "Resource not found"},
		{"azsessions://files/" + long, "not one the sandbox accepts"},
		{"azsessions://files/" + long + "/../../etc/passwd", "must stay inside /mnt/data"},
		{"azsessions://files/" + long[:200] + ".txt", "larger than 10 bytes"},
	} {
		_, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: c.uri})
		var wire *jsonrpc.Error
		require.ErrorAs(t, err, &wire)
		// Lengths first, so that a failure does not print the URI either.
		require.Less(t, len(wire.Message)+len(wire.Data), 600, "the whole URI is echoed")
		assert.Equal(t, int64(jsonrpc.CodeInvalidParams), wire.Code)
		assert.Contains(t, wire.Message, c.says)
	}
}
