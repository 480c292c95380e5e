package eino_test

import (
	"context"
	"strings"
	"testing"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/eino"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
)

// The run tool tells the model that calls of one answer may run in any
// order only when they may: a host whose ToolsNode runs them one at a time
// in the model's order (ExecuteSequentially, as the example sets) says so
// with Options.ExecuteSequentially, and the model is not told to spread
// dependent calls over answers, a round trip each, for nothing.
func TestUnorderedNoteOnlyForConcurrentToolsNode(t *testing.T) {
	tk := agenttest.Toolkit(t)
	for _, tc := range []struct {
		opts *adapter.Options
		note bool
	}{
		{nil, true},
		{&adapter.Options{ExecuteSequentially: true}, false},
		{&adapter.Options{ExecuteSequentially: true, TextOnly: true}, false},
	} {
		tools, err := adapter.Tools(tk, tk.Session("conversation-1"), tc.opts)
		if err != nil {
			t.Fatal(err)
		}
		info, err := tools[0].Info(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if info.Name != agenttool.ToolRunPython {
			t.Fatalf("the first tool is %s, want run_python", info.Name)
		}
		if got := strings.Contains(info.Desc, agenttool.UnorderedCallsNote); got != tc.note {
			t.Errorf("options %+v: the description has the note: %v, want %v", tc.opts, got, tc.note)
		}
	}
}
