package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// Destructive says a tool may delete data (MCP's destructiveHint: false
// promises additive updates only). upload_file replaces a file of the same
// name, and code run by run_python or run_shell may delete files or lose
// the interpreter's state, so those are destructive too; only the tools
// that change nothing are read-only.
func TestDefinitionHints(t *testing.T) {
	want := map[string][2]bool{ // read-only, destructive
		agenttool.ToolRunPython:    {false, true},
		agenttool.ToolRunShell:     {false, true},
		agenttool.ToolUploadFile:   {false, true},
		agenttool.ToolDownloadFile: {true, false},
		agenttool.ToolListFiles:    {true, false},
		agenttool.ToolDeleteFile:   {false, true},
		agenttool.ToolResetSession: {false, true},
		agenttool.ToolPoolInfo:     {true, false},
	}
	for _, kit := range everyToolKits(t) {
		for _, d := range kit.Definitions() {
			require.Equal(t, want[d.Name], [2]bool{d.ReadOnly, d.Destructive}, d.Name)
		}
	}
}
