package mcpserver_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// The MCP Inspector's CLI sends every argument as a string: a whole number
// in a string is read as that number, and other text is an isError result
// naming the argument.
func TestTimeoutSecondsAsAString(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)

	res := call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "6 * 7", "timeout_seconds": "5", "session": nil})
	assert.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "42")

	res = call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "6 * 7", "timeout_seconds": "five"})
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), `error: timeout_seconds must be a number of seconds from 1 to 220, or null for the default of 60; got "five"`)
}

// What the Inspector's CLI 0.15.0 sends for `--tool-arg recursive=true
// timeout_seconds=null session=null`: every value a string, since it
// converts a value by the property's type only when the type is a single
// string, and the strict schemas type optional arguments [T, "null"].
// "true" and "false" are the booleans, and "null" is null where no string is
// valid (a number, a boolean, a handle, which always starts azs1_); other
// text is an isError result that quotes the head of it.
func TestInspectorStringArguments(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	res := call(t, cs, agenttool.ToolRunPython, map[string]any{"code": "import os\nos.makedirs('/mnt/data/d/e')\nopen('/mnt/data/d/e/f.txt', 'w').write('x')", "timeout_seconds": "null", "session": "null"})
	assert.False(t, res.IsError, text(res))

	res = call(t, cs, agenttool.ToolListFiles, map[string]any{"path": "d", "recursive": "true", "session": "null"})
	assert.False(t, res.IsError, text(res))
	assert.Contains(t, text(res), "/mnt/data/d/e/f.txt (1 byte)")
	for _, v := range []string{"false", "null", " FALSE "} {
		res = call(t, cs, agenttool.ToolListFiles, map[string]any{"path": "d", "recursive": v})
		assert.False(t, res.IsError, text(res))
		assert.Contains(t, text(res), "/mnt/data/d/e/ (directory)", v)
		assert.NotContains(t, text(res), "f.txt", v)
	}

	res = call(t, cs, agenttool.ToolListFiles, map[string]any{"path": "d", "recursive": "yes"})
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), `error: recursive must be true or false, or null for false; got "yes"`)
	res = call(t, cs, agenttool.ToolListFiles, map[string]any{"path": "d", "recursive": strings.Repeat("tru", 1000)})
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), `; got "`+strings.Repeat("tru", 13)+`...`)
	assert.Less(t, len(text(res)), 300, "a refusal does not echo what was sent")
	res = call(t, cs, agenttool.ToolListFiles, map[string]any{"path": "d", "recursive": 1})
	assert.True(t, res.IsError)
	assert.Contains(t, text(res), `error: recursive must be true or false, or null for false; got 1`)
}
