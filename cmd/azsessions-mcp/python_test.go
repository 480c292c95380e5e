package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// -python chooses the embedded emulator's interpreter, as the emulator's own
// -python does: the one with matplotlib and pandas is often not the python3
// first on PATH (docs/emulator.md), and without it a model's charts fail.
func TestPythonFlagChoosesTheEmulatorsInterpreter(t *testing.T) {
	// Debian's, which ./test.sh installs; the python3 on PATH may be a
	// pyenv shim, a script that cannot be linked to under another name.
	python, err := filepath.EvalSymlinks("/usr/bin/python3")
	if err != nil {
		t.Skip("no /usr/bin/python3")
	}
	// A link in a directory of the test's own: an interpreter that is not
	// the default, whose path the code reports.
	link := filepath.Join(t.TempDir(), "py")
	require.NoError(t, os.Symlink(python, link))

	ctx, cancel := context.WithCancel(testContext(t))
	url, token, done := startHTTP(ctx, t, "-python", link)
	transport := &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearer{token}}}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil).Connect(ctx, transport, nil)
	require.NoError(t, err)
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "run_python", Arguments: map[string]any{"code": "import sys\nprint(sys.executable)"}})
	require.NoError(t, err)
	text := res.Content[0].(*mcp.TextContent).Text
	require.False(t, res.IsError, text)
	assert.Contains(t, strings.Split(text, "\n"), link)
	require.NoError(t, cs.Close())
	cancel()
	require.NoError(t, <-done)
}
