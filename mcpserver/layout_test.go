package mcpserver_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// The server's own refusals (a handle it did not issue, a session that is
// not a string, arguments to new_session) are in the toolkit's stable Text
// layout, as every other refusal is: "status: error", then "error: " and
// the sentence, so a host that reads the status line reads them too.
func TestServerRefusalsFollowTheTextLayout(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	for _, c := range []struct {
		tool string
		args map[string]any
		want string
	}{
		{agenttool.ToolRunPython, map[string]any{"code": "1", "session": "azs1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}, "`session` is not a handle this server issued"},
		{agenttool.ToolListFiles, map[string]any{"session": 5}, "`session` must be a string"},
		{mcpserver.ToolNewSession, map[string]any{"name": "x"}, "new_session takes no arguments"},
	} {
		res := call(t, cs, c.tool, c.args)
		assert.True(t, res.IsError, c.tool)
		got := text(res)
		assert.True(t, strings.HasPrefix(got, "status: error\nerror: "+c.want), "%s: %q", c.tool, got)
		assert.True(t, strings.HasSuffix(got, "\n") && strings.Count(got, "\n") == 2, "%s: %q", c.tool, got)
	}
}

// new_session's answer starts with the layout's status line too, as every
// other result of the server does: a host that reads line 1 for the outcome
// read "New sandbox session: ..." as no status at all.
func TestNewSessionFollowsTheTextLayout(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	res := call(t, cs, mcpserver.ToolNewSession, nil)
	assert.False(t, res.IsError)
	handle := res.StructuredContent.(map[string]any)["session"].(string)
	got := text(res)
	assert.True(t, strings.HasPrefix(got, "status: succeeded\nNew sandbox session: "+handle+"\n"), "%q", got)
	assert.True(t, strings.HasSuffix(got, "\n"), "%q", got)
}
