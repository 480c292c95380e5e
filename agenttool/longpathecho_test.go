package agenttool_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// A path under the 4,096-byte bound that the pool refuses, or that names no
// file, is quoted briefly too: data pasted as a path (4,000 characters of
// it) came back whole in "could not upload /mnt/data/<path>: ..." and in
// "there is no file <path>", though the refusals made before any request
// quote at most 200 characters.
func TestEmulatorRefusedPathsAreQuotedBriefly(t *testing.T) {
	kit := newEmulatorKit(t, nil, &agenttool.Options{EnableDelete: true})
	s := kit.Session("long-paths")
	long := strings.Repeat("y", 4000)
	deep := strings.Repeat("d/", 1900) + "f"
	for _, c := range []struct {
		tool string
		args map[string]any
	}{
		{agenttool.ToolUploadFile, map[string]any{"path": long, "content": "x", "encoding": "text"}},
		{agenttool.ToolDownloadFile, map[string]any{"path": long}},
		{agenttool.ToolDownloadFile, map[string]any{"path": deep}},
		{agenttool.ToolListFiles, map[string]any{"path": long, "recursive": nil}},
		{agenttool.ToolListFiles, map[string]any{"path": deep, "recursive": nil}},
		{agenttool.ToolDeleteFile, map[string]any{"path": long}},
		{agenttool.ToolDeleteFile, map[string]any{"path": deep}},
	} {
		r := call(t, s, c.tool, c.args)
		require.True(t, r.IsError, r.Text[:min(len(r.Text), 300)])
		assert.Less(t, len(r.Text), 1000, "%s: %s...", c.tool, r.Text[:min(len(r.Text), 300)])
	}
}
