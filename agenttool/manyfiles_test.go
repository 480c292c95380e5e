package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// A run that changes more files than a result names: the files line counts
// every one, as the layout says ("files: <n> files the run created, changed
// or deleted"), and the note says how many are listed. The line counted the
// listed ones only, so it said 100 beside a note saying 150.
func TestEmulatorManyFilesAreCountedInFull(t *testing.T) {
	kit := newEmulatorKit(t, nil, nil)
	s := kit.Session("many-files")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "for i in range(150):\n    open(f'/mnt/data/f{i:03}.txt', 'w').write('x')"})
	require.False(t, r.IsError, r.Text)
	assert.Contains(t, r.Text, "\nfiles: 150 files the run created, changed or deleted\n")
	assert.Contains(t, r.Text, "\nnote: 150 files changed; the first 100 are listed.\n")
	assert.Len(t, r.Files, 100)
}
