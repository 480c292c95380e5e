package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// Python refuses source code holding a NUL character wherever it is, even
// in a string literal. Code with one is refused before it is sent, with a
// sentence saying how to write the character, not answered with a
// traceback through IPython's internals that ends in "source code string
// cannot contain null bytes".
func TestRunPythonRefusesNUL(t *testing.T) {
	kit := newEmulatorKit(t, nil, nil)
	s := kit.Session("nul")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "x = 'a\x00b'\nprint(len(x))"})
	require.True(t, r.IsError, r.Text)
	require.Equal(t, "status: error\nerror: the code holds a NUL character, which Python refuses in source code, even in a string; write it as '\\x00' inside the string.\n", r.Text)
	require.Nil(t, r.Structured)
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "x = 'a\\x00b'\nprint(len(x))"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "----- stdout -----\n3\n")
}
