package agenttool_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func newEmulatorKit(t *testing.T, emuOpts *emulator.Options, opts *agenttool.Options) *agenttool.Toolkit {
	t.Helper()
	if testing.Short() {
		t.Skip("runs code through the emulator")
	}
	client := emulator.NewForTest(t, emuOpts)
	kit, err := agenttool.New(client, opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, kit.Close(context.Background())) })
	return kit
}

// newShellKit is newEmulatorKit for a shell pool, with a toolkit set up
// for one.
func newShellKit(t *testing.T) *agenttool.Toolkit {
	t.Helper()
	return newEmulatorKit(t, &emulator.Options{PoolType: emulator.PoolTypeShell}, &agenttool.Options{PoolType: agenttool.PoolTypeShell})
}

func call(t *testing.T, s *agenttool.Session, tool string, args any) agenttool.Result {
	t.Helper()
	raw, err := json.Marshal(args)
	require.NoError(t, err)
	r, err := s.Call(testContext(t), tool, raw)
	require.NoError(t, err)
	return r
}

func TestEmulatorStateAcrossCallsAndReset(t *testing.T) {
	kit := newEmulatorKit(t, nil, nil)
	s := kit.Session("conv-1")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "x = 21\nprint('set')"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "status: succeeded\n")
	require.Contains(t, r.Text, "----- stdout -----\nset\n----- end of stdout -----\n")

	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "x * 2", "timeout_seconds": nil})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "----- value -----\n42\n----- end of value -----\n")
	require.Equal(t, "42", r.Structured.(*agenttool.RunOutput).Value)

	before := s.Identifier()
	r = call(t, s, agenttool.ToolResetSession, map[string]any{})
	require.False(t, r.IsError, r.Text)
	require.NotEqual(t, before, s.Identifier(), "a reset moves the conversation to a fresh sandbox")

	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "x"})
	require.True(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "status: failed\nfailure: error: ")
	require.Contains(t, r.Text, "NameError")
}

func TestEmulatorConversationsIsolated(t *testing.T) {
	kit := newEmulatorKit(t, nil, nil)
	a, b := kit.Session("alice"), kit.Session("bob")
	require.Same(t, a, kit.Session("alice"))
	require.NotEqual(t, a.Identifier(), b.Identifier())
	require.True(t, strings.HasPrefix(a.Identifier(), agenttool.DefaultIdentifierPrefix))
	require.NotContains(t, a.Identifier(), "alice", "the identifier must not reveal or be made from the conversation id alone")

	r := call(t, a, agenttool.ToolRunPython, map[string]any{"code": "secret = 'alice-only'\nopen('/mnt/data/a.txt','w').write('a')"})
	require.False(t, r.IsError, r.Text)
	r = call(t, b, agenttool.ToolRunPython, map[string]any{"code": "import os\nprint('secret' in globals(), os.listdir('/mnt/data'))"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "False []")

	// Another toolkit (another key) derives other identifiers for the same ids.
	other, err := agenttool.New(emulator.NewForTest(t, nil), nil)
	require.NoError(t, err)
	require.NotEqual(t, a.Identifier(), other.Session("alice").Identifier())
	fixed := []byte("0123456789abcdef0123456789abcdef")
	k1, err := agenttool.New(emulator.NewForTest(t, nil), &agenttool.Options{Key: fixed})
	require.NoError(t, err)
	k2, err := agenttool.New(emulator.NewForTest(t, nil), &agenttool.Options{Key: fixed})
	require.NoError(t, err)
	require.Equal(t, k1.Session("alice").Identifier(), k2.Session("alice").Identifier(), "a fixed key finds a conversation's sandbox again")
}

func TestEmulatorFileDetectionAndImages(t *testing.T) {
	kit := newEmulatorKit(t, nil, nil)
	s := kit.Session("files")
	r := call(t, s, agenttool.ToolUploadFile, map[string]any{"path": "/mnt/data/in/data.csv", "content": "a,b\n1,2\n", "encoding": "text"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "uploaded /mnt/data/in/data.csv (8 bytes)")

	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": pngCode("/mnt/data/out/chart.png") + "\nopen('/mnt/data/notes.txt','w').write('hello')\nprint(open('/mnt/data/in/data.csv').read().count('\\n'))"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "files: 2 files the run created, changed or deleted\n----- files -----\ncreated /mnt/data/notes.txt (5 bytes)\ncreated /mnt/data/out/chart.png (")
	require.NotContains(t, r.Text, "data.csv (", "an uploaded file is not reported as created by the run")
	require.Len(t, r.Images, 1)
	require.Equal(t, "/mnt/data/out/chart.png", r.Images[0].Name)
	require.Equal(t, "image/png", r.Images[0].MIMEType)
	require.Contains(t, r.Text, "images: 1 returned with this result as image content, in this order:\n----- images -----\n/mnt/data/out/chart.png (image/png, ")
	require.NotContains(t, r.Text, "iVBOR", "no base64 in Text")

	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "open('/mnt/data/notes.txt','a').write(' world')\nimport os\nos.remove('/mnt/data/in/data.csv')"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "----- files -----\ndeleted /mnt/data/in/data.csv (8 bytes)\nchanged /mnt/data/notes.txt (11 bytes)\n----- end of files -----\n")
	require.Empty(t, r.Images)

	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "1"})
	require.NotContains(t, r.Text, "files:", "nothing changed")

	r = call(t, s, agenttool.ToolListFiles, map[string]any{"path": nil, "recursive": true})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "\n/mnt/data/notes.txt (11 bytes)\n/mnt/data/out/ (directory)\n/mnt/data/out/chart.png (")

	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import os\nos.makedirs('/mnt/data/out/deep', exist_ok=True)\nopen('/mnt/data/out/deep/d.txt','w').write('d')"})
	require.Contains(t, r.Text, "created /mnt/data/out/deep/d.txt (1 byte)")
	r = call(t, s, agenttool.ToolListFiles, map[string]any{"path": "/mnt/data/out", "recursive": true})
	require.Equal(t, []string{"/mnt/data/out/chart.png", "/mnt/data/out/deep", "/mnt/data/out/deep/d.txt"}, paths(r.Files))
	r = call(t, s, agenttool.ToolListFiles, map[string]any{"path": "out", "recursive": false})
	require.Equal(t, []string{"/mnt/data/out/chart.png", "/mnt/data/out/deep"}, paths(r.Files))
	require.Contains(t, r.Text, "\n/mnt/data/out/deep/ (directory)\n----- end of entries -----\n")

	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "out/chart.png"})
	require.False(t, r.IsError, r.Text)
	require.Len(t, r.Images, 1)
	require.Equal(t, "image/png", r.Images[0].MIMEType)

	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "/mnt/data/notes.txt"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "----- content of /mnt/data/notes.txt -----\nhello world\n----- end of content of /mnt/data/notes.txt -----\n")

	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "missing.txt"})
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "status: error\nerror: there is no file /mnt/data/missing.txt")
}

// pngCode is Python that writes a small PNG with the standard library.
func pngCode(path string) string {
	return `import zlib, struct
def _chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
_w, _h = 8, 8
_raw = b''.join(b'\x00' + bytes([255, 0, 0] * _w) for _ in range(_h))
import os
os.makedirs(os.path.dirname('` + path + `'), exist_ok=True)
with open('` + path + `', 'wb') as f:
    f.write(b'\x89PNG\r\n\x1a\n' + _chunk(b'IHDR', struct.pack('>IIBBBBB', _w, _h, 8, 2, 0, 0, 0)) + _chunk(b'IDAT', zlib.compress(_raw)) + _chunk(b'IEND', b''))`
}

func TestEmulatorTimeout(t *testing.T) {
	kit := newEmulatorKit(t, nil, &agenttool.Options{Timeout: 2 * time.Second})
	s := kit.Session("slow")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import time\ntime.sleep(30)"})
	require.True(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "status: failed\nfailure: timeout: the run took longer than its limit of 2 seconds")
	require.Equal(t, "timeout", r.Structured.(*agenttool.RunOutput).Failure)
	// The session works afterwards.
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "1 + 1", "timeout_seconds": 5})
	require.False(t, r.IsError, r.Text)
}

func TestEmulatorTraversalAndUploadLimit(t *testing.T) {
	kit := newEmulatorKit(t, nil, &agenttool.Options{MaxUploadBytes: 10})
	s := kit.Session("safe")
	for _, p := range []string{"../etc/passwd", "/etc/passwd", "/mnt/data/../x", "a/../../b", "a\\b", "x\x00y"} {
		for _, tool := range []string{agenttool.ToolDownloadFile, agenttool.ToolUploadFile} {
			args := map[string]any{"path": p}
			if tool == agenttool.ToolUploadFile {
				args["content"], args["encoding"] = "x", "text"
			}
			r := call(t, s, tool, args)
			require.True(t, r.IsError, "%s %q: %s", tool, p, r.Text)
			require.Contains(t, r.Text, "status: error\nerror: the path ")
		}
	}
	r := call(t, s, agenttool.ToolListFiles, map[string]any{"path": "../..", "recursive": nil})
	require.True(t, r.IsError, r.Text)

	r = call(t, s, agenttool.ToolUploadFile, map[string]any{"path": "big.txt", "content": "01234567890", "encoding": "text"})
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "over the upload limit of 10 bytes")
	r = call(t, s, agenttool.ToolUploadFile, map[string]any{"path": "big.bin", "content": "MDEyMzQ1Njc4OTA=", "encoding": "base64"})
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "11 bytes, over the upload limit of 10 bytes")
	r = call(t, s, agenttool.ToolUploadFile, map[string]any{"path": "ok.bin", "content": "AAEC", "encoding": "base64"})
	require.False(t, r.IsError, r.Text)
	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "ok.bin"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "binary data (application/octet-stream, 3 bytes), base64 below")
	require.Contains(t, r.Text, "AAEC")
}

func TestEmulatorShellPool(t *testing.T) {
	kit := newShellKit(t)
	names := []string{}
	for _, d := range kit.Definitions() {
		names = append(names, d.Name)
	}
	require.Equal(t, []string{"run_shell", "upload_file", "download_file", "list_files", "reset_session", "pool_info"}, names)
	s := kit.Session("sh")
	r := call(t, s, agenttool.ToolRunShell, map[string]any{"command": "shopt -s nullglob; echo hi; cat; echo > /mnt/data/f.txt", "stdin": "from stdin", "timeout_seconds": nil})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "hi\nfrom stdin")
	require.Contains(t, r.Text, "created /mnt/data/f.txt (1 byte)")
	r = call(t, s, agenttool.ToolRunShell, map[string]any{"command": "echo oops >&2; exit 3", "stdin": nil, "timeout_seconds": nil})
	require.True(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "status: failed\nfailure: exit_code: the command exited with code 3.\nexit code: 3\n")
	require.Contains(t, r.Text, "----- stderr -----\noops\n")
	for _, cmd := range []string{"echo hi", "printf 'no newline'", "exit 0", "true", "exec echo replaced"} {
		r = call(t, s, agenttool.ToolRunShell, map[string]any{"command": cmd, "stdin": nil, "timeout_seconds": nil})
		require.NotContains(t, r.Text, "__azsessions", cmd)
		if cmd != "exec echo replaced" {
			require.NotContains(t, r.Text, "end marker", "%s: %s", cmd, r.Text)
		}
	}
	r = call(t, s, agenttool.ToolRunShell, map[string]any{"command": "printf 'no newline'", "stdin": nil, "timeout_seconds": nil})
	require.Equal(t, "no newline", r.Structured.(*agenttool.RunOutput).Stdout)
	r = call(t, s, agenttool.ToolRunShell, map[string]any{"command": "echo $LINENO; syntax error (", "stdin": nil, "timeout_seconds": nil})
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "line 1", "the model's line numbers are its own")
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "1"})
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "not enabled here")
}

func TestEmulatorPoolInfo(t *testing.T) {
	kit := newEmulatorKit(t, nil, nil)
	r := call(t, kit.Session("p"), agenttool.ToolPoolInfo, nil)
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "pool type: python (run code with run_python)\nruntime: ")
	require.Contains(t, r.Text, "preinstalled packages (")
}

func TestEmulatorHostFiles(t *testing.T) {
	kit := newEmulatorKit(t, nil, nil)
	s := kit.Session("host")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "in.csv"), []byte("x\n1\n"), 0o644))
	root, err := os.OpenRoot(dir)
	require.NoError(t, err)
	t.Cleanup(func() { root.Close() })
	ctx := testContext(t)
	require.NoError(t, s.UploadFrom(ctx, root, "in.csv"))
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import os\nos.makedirs('/mnt/data/out', exist_ok=True)\nopen('/mnt/data/out/r.txt','w').write(open('/mnt/data/in.csv').read().upper())"})
	require.False(t, r.IsError, r.Text)
	require.NotContains(t, r.Text, "in.csv", "a host upload is not reported as created by the run")
	require.NoError(t, s.DownloadTo(ctx, root, "/mnt/data/out/r.txt"))
	got, err := os.ReadFile(filepath.Join(dir, "out", "r.txt"))
	require.NoError(t, err)
	require.Equal(t, "X\n1\n", string(got))

	require.Error(t, s.UploadFrom(ctx, root, "../escape"))
	require.Error(t, s.DownloadTo(ctx, root, "../escape"))
	require.Error(t, s.DownloadTo(ctx, root, "missing.txt"))
	_, err = os.Stat(filepath.Join(dir, "missing.txt"))
	require.ErrorIs(t, err, os.ErrNotExist)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	require.Equal(t, []string{"in.csv", "out"}, names, "no partial file is left behind")
}

func paths(files []agenttool.FileInfo) []string {
	out := []string{}
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

func TestEmulatorMemoryAndKernelRestart(t *testing.T) {
	kit := newEmulatorKit(t, &emulator.Options{MemoryLimitBytes: 1 << 30}, nil)
	s := kit.Session("crash")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "keep = 1\nbig = bytearray(4 << 30)"})
	require.True(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "status: failed\nfailure: memory: the code ran out of memory")
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import os\nos._exit(1)"})
	require.True(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "status: failed\nfailure: kernel_restarted: the interpreter crashed and was restarted")
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "'keep' in globals()"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "----- value -----\nFalse\n", "a restarted kernel has lost the variables, as the result said")
}

func TestEmulatorPoolMessagesAndOddText(t *testing.T) {
	kit := newEmulatorKit(t, nil, nil)
	s := kit.Session("odd")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "open('/mnt/data/lat.txt','wb').write('caf\\xe9'.encode('latin-1'))"})
	require.False(t, r.IsError, r.Text)
	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "lat.txt"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "/mnt/data/lat.txt: text that is not UTF-8 (4 bytes); read it with code that names its encoding")
	r = call(t, s, agenttool.ToolListFiles, map[string]any{"path": "lat.txt", "recursive": nil})
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "error: could not list /mnt/data/lat.txt: the pool refused it (400 SessionRequestValidationFailed): the path \"lat.txt\" is a file, not a directory\n",
		"the pool's own message tells the model what is wrong")
}

// TestEmulatorReadFile reads sandbox files for the host: whole, too large,
// missing, outside /mnt/data; and a read of a fresh session, which makes
// the pool create its sandbox, leaves nothing behind once the toolkit is
// closed.
func TestEmulatorReadFile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs code through the emulator")
	}
	client := emulator.NewForTest(t, nil)
	kit, err := agenttool.New(client, nil)
	require.NoError(t, err)
	ctx := testContext(t)

	s := kit.Session("reader")
	r := call(t, s, agenttool.ToolUploadFile, map[string]any{"path": "out/a.txt", "content": "twelve bytes"})
	require.False(t, r.IsError, r.Text)
	got, err := s.ReadFile(ctx, "out/a.txt", 12)
	require.NoError(t, err)
	require.Equal(t, "twelve bytes", string(got))
	_, err = s.ReadFile(ctx, "/mnt/data/out/a.txt", 11)
	require.ErrorIs(t, err, agenttool.ErrFileTooLarge)
	_, err = s.ReadFile(ctx, "../etc/passwd", 100)
	require.ErrorIs(t, err, azsessions.ErrInvalidPath)
	require.ErrorContains(t, err, "/mnt/data")

	fresh := kit.Session("only-read")
	_, err = fresh.ReadFile(ctx, "missing.txt", 100)
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusNotFound, re.StatusCode)

	require.NoError(t, kit.Close(ctx))
	pager := client.NewSessionsClient().NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		require.NoError(t, err)
		require.Empty(t, page.Value, "Close deletes the sandboxes reads made")
	}
}

// At 2025-02-02-preview outputStreamsMaxLength does not exist: the toolkit
// leaves it out, the pool cuts at its default 4096, and the note says so.
// (The emulator would honour the field at any version, so a toolkit that
// sent it would get all 5000 characters here.)
func TestEmulatorOlderAPIVersionOutputCap(t *testing.T) {
	if testing.Short() {
		t.Skip("runs code through the emulator")
	}
	e := emulator.StartForTest(t, nil)
	o := e.ClientOptions()
	o.APIVersion = azsessions.APIVersion20250202Preview
	client, err := azsessions.NewClient(e.Endpoint(), e.Credential(), o)
	require.NoError(t, err)
	kit, err := agenttool.New(client, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, kit.Close(context.Background())) })
	s := kit.Session("old")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "print('a' * 5000)"})
	require.False(t, r.IsError, r.Text)
	require.Contains(t, r.Text, "----- stdout -----\n"+strings.Repeat("a", 4096)+"\n----- end of stdout -----\n")
	require.Contains(t, r.Text, "note: stdout reached the pool's cap of 4096 characters, so it was probably cut; ")

	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "print('short')"})
	require.False(t, r.IsError, r.Text)
	require.NotContains(t, r.Text, "note:")
}

// DELETE /session exists from 2025-02-02-preview; a toolkit on a client
// pinned to 2024-10-02-preview still resets and closes its sessions.
func TestEmulatorOldestAPIVersionResets(t *testing.T) {
	if testing.Short() {
		t.Skip("runs code through the emulator")
	}
	e := emulator.StartForTest(t, nil)
	o := e.ClientOptions()
	o.APIVersion = azsessions.APIVersion20241002Preview
	client, err := azsessions.NewClient(e.Endpoint(), e.Credential(), o)
	require.NoError(t, err)
	kit, err := agenttool.New(client, nil)
	require.NoError(t, err)
	s := kit.Session("oldest")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "x = 1"})
	require.False(t, r.IsError, r.Text)
	r = call(t, s, agenttool.ToolResetSession, map[string]any{})
	require.False(t, r.IsError, r.Text)
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "x"})
	require.True(t, r.IsError, "the reset session must not know x:\n%s", r.Text)
	require.Contains(t, r.Text, "NameError")
	require.NoError(t, kit.Close(testContext(t)))
}
