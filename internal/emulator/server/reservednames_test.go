package server

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Names starting with uploadTempPrefix are the emulator's: an upload in
// progress waits under one. The listing leaves them out, so the other
// requests do too: get, content and delete of such a name are 404, and a
// recursive listing lists nothing below a directory so named (it listed
// the files of a directory it did not show).
func TestReservedNamesAreNotServed(t *testing.T) {
	e := newEnv(t, nil)
	const id = "reserved"
	dir := e.sessionWith(id, "", "kept.txt", "k")
	tmp := uploadTempPrefix + "x"
	require.NoError(t, os.WriteFile(filepath.Join(dir, tmp), []byte("partial"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, uploadTempPrefix+"d", "sub"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, uploadTempPrefix+"d", "sub", "in.txt"), []byte("x"), 0o644))

	for _, r := range []req{
		{path: "/files/" + tmp},
		{path: "/files/" + tmp + "/content"},
		{path: "/files/content/" + tmp, version: V20240202Preview},
		{method: http.MethodDelete, path: "/files/" + tmp},
	} {
		r.query = ident(id)
		resp := e.do(r)
		require.Equal(t, http.StatusNotFound, resp.status, "%s %s: %s", r.method, r.path, resp.body)
		require.Equal(t, CodeFileNotFound, resp.errorCode(t))
	}
	_, err := os.Stat(filepath.Join(dir, tmp))
	require.NoError(t, err, "the delete left the upload's file alone")

	list := e.do(req{path: "/files", query: map[string][]string{"identifier": {id}, "recursive": {"true"}}})
	require.Equal(t, http.StatusOK, list.status, "%s", list.body)
	var names []string
	for _, v := range list.json(t)["value"].([]any) {
		f := v.(map[string]any)
		names = append(names, f["directory"].(string)+"|"+f["name"].(string))
	}
	require.Equal(t, []string{"|kept.txt"}, names)
}
