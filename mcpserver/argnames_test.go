package mcpserver_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// TestArgumentRefusalsNameSession checks that a refusal of a tool's
// arguments lists `session` among the arguments the tool takes, as its
// schema over MCP does. The toolkit's sentence lists only its own: a model
// that sent {"session": h, "force": true} to reset_session was told the
// tool "takes no arguments", and its next try, {}, reset this connection's
// sandbox instead of the handle's.
func TestArgumentRefusalsNameSession(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{agenttool.ToolRunPython, map[string]any{"code": "1", "extra": 1}, "; it takes the arguments code, timeout_seconds, session\n"},
		{agenttool.ToolRunPython, map[string]any{"code": 123}, "; it takes the arguments code, timeout_seconds, session\n"},
		{agenttool.ToolListFiles, map[string]any{"dir": "out", "session": nil}, "; it takes the arguments path, recursive, session\n"},
		{agenttool.ToolResetSession, map[string]any{"force": true}, "; it takes no arguments but session (a handle from new_session, or null for this connection's own sandbox)\n"},
		{agenttool.ToolPoolInfo, map[string]any{"verbose": true, "session": nil}, "; it takes no arguments but session (a handle from new_session, or null for this connection's own sandbox)\n"},
	} {
		res := call(t, cs, c.tool, c.args)
		assert.True(t, res.IsError, c.tool)
		assert.Contains(t, text(res), c.want, c.tool)
	}
}
