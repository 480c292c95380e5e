package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// downloadDirText is what download_file says of /mnt/data/sub, a
// directory named without a trailing slash.
const downloadDirText = "status: error\nerror: /mnt/data/sub is a directory, not a file; call list_files with its path to see the files in it\n"

// download_file of a directory named without a trailing slash ("sub") says
// it is a directory and points to list_files: the pool answers its
// content with 404 (the emulator's "/mnt/data/sub is not a file") and its
// metadata as a directory. It said "there is no file /mnt/data/sub". A
// name that is not there at all still says there is no such file.
func TestEmulatorDownloadFileOfADirectory(t *testing.T) {
	kit := newEmulatorKit(t, nil, nil)
	s := kit.Session("c")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import os\nos.makedirs('/mnt/data/sub', exist_ok=True)\nopen('/mnt/data/sub/a.txt', 'w').write('a')"})
	require.False(t, r.IsError, r.Text)

	for _, path := range []string{"sub", "/mnt/data/sub"} {
		r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": path})
		require.True(t, r.IsError, r.Text)
		require.Equal(t, downloadDirText, r.Text)
	}
	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "nothing"})
	require.True(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "there is no file /mnt/data/nothing; call list_files")
}

// TestFakeDownloadFileOfADirectory is TestEmulatorDownloadFileOfADirectory
// against the fake pool.
func TestFakeDownloadFileOfADirectory(t *testing.T) {
	kit, pool := newFakeKit(t, nil, nil)
	pool.exec = func(id string, req azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
		pool.put(id, "sub/a.txt", []byte("a"))
		return succeeded("", "", ""), 0, ""
	}
	s := kit.Session("c")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "x"})
	require.False(t, r.IsError, r.Text)
	for _, path := range []string{"sub", "/mnt/data/sub"} {
		r := call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": path})
		require.True(t, r.IsError, r.Text)
		require.Equal(t, downloadDirText, r.Text)
	}
	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "nothing"})
	require.True(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "there is no file /mnt/data/nothing; call list_files")
}
