package agenttool_test

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

// TestDefinitionsStrict checks every schema against what OpenAI's strict
// mode and Anthropic accept: type object, additionalProperties false, every
// property required, optional ones nullable; names within the pattern.
func TestDefinitionsStrict(t *testing.T) {
	name := regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)
	optional := map[string][]string{
		agenttool.ToolRunPython: {"timeout_seconds"},
		agenttool.ToolRunShell:  {"stdin", "timeout_seconds"},
		agenttool.ToolListFiles: {"path", "recursive"},
	}
	for _, kit := range everyToolKits(t) {
		defs := kit.Definitions()
		require.Len(t, defs, 7)
		for _, d := range defs {
			require.Regexp(t, name, d.Name)
			require.NotEmpty(t, d.Description)
			_, err := json.Marshal(d.InputSchema)
			require.NoError(t, err)
			checkStrict(t, d.Name, d.InputSchema, optional[d.Name])
			checkStrict(t, d.Name+" output", d.OutputSchema, nil)
		}
	}
}

// everyToolKits returns a python and a shell toolkit with every tool on.
func everyToolKits(t *testing.T) []*agenttool.Toolkit {
	t.Helper()
	client := emulator.NewForTest(t, nil)
	var kits []*agenttool.Toolkit
	for _, pt := range []agenttool.PoolType{agenttool.PoolTypePython, agenttool.PoolTypeShell} {
		kit, err := agenttool.New(client, &agenttool.Options{PoolType: pt, EnableDelete: true})
		require.NoError(t, err)
		kits = append(kits, kit)
	}
	return kits
}

func checkStrict(t *testing.T, where string, s map[string]any, optional []string) {
	t.Helper()
	require.Equal(t, "object", s["type"], where)
	require.Equal(t, false, s["additionalProperties"], where)
	props := s["properties"].(map[string]any)
	req := s["required"].([]any)
	require.Len(t, req, len(props), where)
	for p, v := range props {
		require.Contains(t, req, p, where)
		ps := v.(map[string]any)
		types, nullable := ps["type"].([]any)
		if slices.Contains(optional, p) {
			require.True(t, nullable && slices.Contains(types, any("null")), "%s.%s must be nullable", where, p)
		}
		if ps["type"] == "object" {
			checkStrict(t, where+"."+p, ps, nil)
		}
		if items, ok := ps["items"].(map[string]any); ok && items["type"] == "object" {
			checkStrict(t, where+"."+p+"[]", items, nil)
		}
	}
}

func TestDefinitionsSetAndCopies(t *testing.T) {
	client := emulator.NewForTest(t, nil)
	kit, err := agenttool.New(client, nil)
	require.NoError(t, err)
	var names []string
	for _, d := range kit.Definitions() {
		names = append(names, d.Name)
	}
	require.Equal(t, []string{"run_python", "upload_file", "download_file", "list_files", "reset_session", "pool_info"}, names)
	defs := kit.Definitions()
	defs[0].InputSchema["type"] = "changed"
	require.Equal(t, "object", kit.Definitions()[0].InputSchema["type"], "callers get copies")

	kit, err = agenttool.New(client, &agenttool.Options{Tools: []string{agenttool.ToolPoolInfo, agenttool.ToolRunPython}})
	require.NoError(t, err)
	require.Len(t, kit.Definitions(), 2)
	require.Equal(t, agenttool.ToolRunPython, kit.Definitions()[0].Name)

	for _, bad := range []*agenttool.Options{
		{Tools: []string{"run_ruby"}},
		{Tools: []string{agenttool.ToolRunShell}},
		{PoolType: "node"},
		{Key: []byte("short")},
		{Timeout: -1},
		{IdentifierPrefix: "bad prefix"},
	} {
		_, err := agenttool.New(client, bad)
		require.Error(t, err, "%+v", bad)
	}
	_, err = agenttool.New(nil, nil)
	require.Error(t, err)
}
