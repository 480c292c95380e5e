package agenttool_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// A model that swaps path and content (or pastes data into path) must get a
// short sentence back, not its megabyte of data echoed into the context in
// the error, and no request is sent with such a path.
func TestFakeHugePathIsRefusedBriefly(t *testing.T) {
	kit, pool := newFakeKit(t, &agenttool.Options{EnableDelete: true}, fixed(succeeded("", "", "")))
	s := kit.Session("c")
	data := strings.Repeat("a,b,c\n1,2,3\n", 100_000) // 1.2 MB of CSV
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{agenttool.ToolUploadFile, map[string]any{"path": data, "content": "data.csv", "encoding": "text"}},
		{agenttool.ToolUploadFile, map[string]any{"path": strings.Repeat("x", 1_000_000), "content": "x", "encoding": "text"}},
		{agenttool.ToolUploadFile, map[string]any{"path": "/etc/" + strings.Repeat("x", 1_000_000), "content": "x", "encoding": "text"}},
		{agenttool.ToolDownloadFile, map[string]any{"path": strings.Repeat("d/", 500_000) + "f"}},
		{agenttool.ToolListFiles, map[string]any{"path": strings.Repeat("d/", 500_000), "recursive": nil}},
		{agenttool.ToolDeleteFile, map[string]any{"path": strings.Repeat("../", 300_000)}},
	} {
		r := call(t, s, c.tool, c.args)
		require.True(t, r.IsError, r.Text[:min(len(r.Text), 300)])
		require.Less(t, len(r.Text), 1000, "%s: %s...", c.tool, r.Text[:min(len(r.Text), 300)])
		require.Contains(t, r.Text, "path")
	}
	require.Empty(t, pool.files, "nothing reached the pool")
}

// The same for content sent as the encoding (arguments shifted by one).
func TestFakeHugeEncodingIsRefusedBriefly(t *testing.T) {
	kit, pool := newFakeKit(t, nil, fixed(succeeded("", "", "")))
	r := call(t, kit.Session("c"), agenttool.ToolUploadFile, map[string]any{"path": "data.csv", "content": "text", "encoding": strings.Repeat("a,b,c\n", 200_000)})
	require.True(t, r.IsError)
	require.Less(t, len(r.Text), 1000, r.Text[:min(len(r.Text), 300)])
	require.Contains(t, r.Text, "encoding must be")
	require.Empty(t, pool.files)
}

// The same for data sent as an argument's name (a model that put its CSV
// where the key goes) and as a tool's name: the sentence quotes a short
// head of it.
func TestFakeHugeNamesAreRefusedBriefly(t *testing.T) {
	kit, pool := newFakeKit(t, nil, fixed(succeeded("", "", "")))
	s := kit.Session("c")
	key := strings.Repeat("a,b,c\n", 20_000)
	args, err := json.Marshal(map[string]any{key: 1, "code": "1"})
	require.NoError(t, err)
	r, err := s.Call(testContext(t), agenttool.ToolRunPython, args)
	require.NoError(t, err)
	require.True(t, r.IsError)
	require.Less(t, len(r.Text), 1000, r.Text[:min(len(r.Text), 300)])
	require.Contains(t, r.Text, `it has an unknown field "a,b,c\na,b,c`)
	require.Contains(t, r.Text, "it takes the arguments code, timeout_seconds")

	r, err = s.Call(testContext(t), strings.Repeat("run_python", 20_000), json.RawMessage(`{}`))
	require.NoError(t, err)
	require.True(t, r.IsError)
	require.Less(t, len(r.Text), 1000, r.Text[:min(len(r.Text), 300)])
	require.Contains(t, r.Text, `there is no tool named "run_pythonrun_python`)
	require.Empty(t, pool.requests)
}
