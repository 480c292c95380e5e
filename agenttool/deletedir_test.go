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

// A trailing slash names a directory: delete_file of "a.txt/" where a.txt
// is a file is an IsError result saying so, and deletes nothing; the other
// file tools refuse such a path (download_file and upload_file need a file)
// or list it as the directory it names (list_files, which the pool refuses
// for a file).
func TestEmulatorTrailingSlashOnAFile(t *testing.T) {
	kit := newEmulatorKit(t, nil, &agenttool.Options{EnableDelete: true})
	s := kit.Session("c")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import os\nos.makedirs('/mnt/data/out', exist_ok=True)\nopen('/mnt/data/a.txt', 'w').write('a')\nopen('/mnt/data/out/b.txt', 'w').write('b')"})
	require.False(t, r.IsError, r.Text)

	for path, abs := range map[string]string{"a.txt/": "/mnt/data/a.txt", "/mnt/data/out/b.txt/": "/mnt/data/out/b.txt", "a.txt/.": "/mnt/data/a.txt"} {
		r = call(t, s, agenttool.ToolDeleteFile, map[string]any{"path": path})
		require.True(t, r.IsError, "%s: %s", path, r.Text)
		require.Equal(t, "status: error\nerror: "+abs+" is a file, not a directory (a trailing / names a directory), so nothing was deleted; to delete the file, give its path without the /\n", r.Text)
	}
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import os\nsorted(os.listdir('/mnt/data')), os.listdir('/mnt/data/out')"})
	require.Contains(t, r.Text, "(['a.txt', 'out'], ['b.txt'])", "nothing was deleted")

	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "a.txt/"})
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "names the directory /mnt/data/a.txt, not a file (a trailing / names a directory); give a file's path without it")
	r = call(t, s, agenttool.ToolUploadFile, map[string]any{"path": "a.txt/", "content": "x", "encoding": nil})
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "names the directory /mnt/data/a.txt, not a file")
	r = call(t, s, agenttool.ToolListFiles, map[string]any{"path": "a.txt/", "recursive": nil})
	require.True(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "could not list /mnt/data/a.txt: ")
	require.Contains(t, r.Text, "not a directory")

	r = call(t, s, agenttool.ToolDeleteFile, map[string]any{"path": "nothing/"})
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "there is no file /mnt/data/nothing")
	r = call(t, s, agenttool.ToolDeleteFile, map[string]any{"path": "a.txt"})
	require.False(t, r.IsError, "without the slash the file is deleted: %s", r.Text)
}
