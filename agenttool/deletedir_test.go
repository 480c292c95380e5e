package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// delete_file deletes a directory and everything in it, as its description
// says, also when the model spells it with a trailing slash ("out/"); the
// file tools' refusal of such a path ("add the file's name") is for paths
// that must name a file.
func TestEmulatorDeleteFileTakesADirectoryWithASlash(t *testing.T) {
	kit := newEmulatorKit(t, nil, &agenttool.Options{EnableDelete: true})
	s := kit.Session("c")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import os\nos.makedirs('/mnt/data/out/sub', exist_ok=True)\nopen('/mnt/data/out/sub/a.txt', 'w').write('a')"})
	require.False(t, r.IsError, r.Text)

	r = call(t, s, agenttool.ToolDeleteFile, map[string]any{"path": "out/"})
	require.False(t, r.IsError, r.Text)
	require.Equal(t, "status: succeeded\ndeleted /mnt/data/out\n", r.Text)
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import os\nos.listdir('/mnt/data')"})
	require.Contains(t, r.Text, "----- value -----\n[]\n")

	for _, path := range []string{"/mnt/data/", "./"} {
		r = call(t, s, agenttool.ToolDeleteFile, map[string]any{"path": path})
		require.True(t, r.IsError, "%s: /mnt/data itself is not deleted: %s", path, r.Text)
	}
	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "out/"})
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "names the directory /mnt/data/out, not a file")
}
