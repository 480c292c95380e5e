package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

// pool_info shows the pool type the pool describes, not the one the toolkit
// was told, and says plainly when the two differ: a model that trusts the
// toolkit's word would write Python for a shell.
func TestEmulatorPoolInfoSaysTheRealPoolType(t *testing.T) {
	kit := newEmulatorKit(t, &emulator.Options{PoolType: emulator.PoolTypeShell}, &agenttool.Options{PoolType: agenttool.PoolTypePython})
	r := call(t, kit.Session("p"), agenttool.ToolPoolInfo, nil)
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "status: succeeded\npool type: shell (as the pool describes itself)\n"+
		"note: this toolkit was set up for a python pool, so it offers run_python, not run_shell; code may fail here. Tell the user that the toolkit's pool type does not match the pool.\n")
	require.Equal(t, "shell", r.Structured.(*agenttool.PoolInfoOutput).PoolType)

	kit = newShellKit(t)
	r = call(t, kit.Session("p"), agenttool.ToolPoolInfo, nil)
	require.Contains(t, r.Text, "status: succeeded\npool type: shell (run code with run_shell)\nruntime: bash ")
	// A pool that lists no packages says so in words, not with an empty list.
	require.Contains(t, r.Text, "\npreinstalled packages: none listed by the pool\n", r.Text)
}
