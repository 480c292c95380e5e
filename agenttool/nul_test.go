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

// IPython hands a cell magic's body to the magic as a string, never to
// Python's compiler, so a cell starting with %% runs with a NUL in its
// body: %%writefile writes the byte as it is. Such a cell is sent, as the
// pool would run it.
func TestRunPythonCellMagicTakesNUL(t *testing.T) {
	kit := newEmulatorKit(t, nil, nil)
	s := kit.Session("nul-magic")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "\n%%writefile nul.bin\na\x00b\n"})
	require.False(t, r.IsError, r.Text)
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "print(open('nul.bin', 'rb').read())"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "----- stdout -----\nb'a\\x00b\\n'\n")
}
