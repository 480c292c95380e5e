package mcpserver_test

import (
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
