package agenttool_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// Only the run tool's description tells the model that calls of one answer
// may run in any order; the other definitions are unchanged, and so is the
// toolkit's own copy.
func TestForConcurrentCalls(t *testing.T) {
	kit, _ := newFakeKit(t, nil, nil)
	defs := kit.Definitions()
	got := agenttool.ForConcurrentCalls(defs)
	require.Len(t, got, len(defs))
	for i, d := range got {
		if d.Name == agenttool.ToolRunPython {
			require.Equal(t, defs[i].Description+" "+agenttool.UnorderedCallsNote, d.Description)
			continue
		}
		require.Equal(t, defs[i], d)
	}
	for _, d := range kit.Definitions() {
		require.False(t, strings.Contains(d.Description, agenttool.UnorderedCallsNote), d.Name)
	}
}
