package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// An upload whose connection breaks at any byte stores nothing: no file of
// it, no temporary file, and the file it would have replaced keeps its old
// content. Both the one-file upload and the legacy all-or-nothing upload of
// several files, with a path field and a skipped field between the parts,
// and with the body arriving a byte at a time or in larger reads.
func TestUploadCutOffAtAnyByteStoresNothing(t *testing.T) {
	e := newEnv(t, nil)
	const id = "cut"
	require.Equal(t, http.StatusOK, e.upload(id, "d", "a.bin", "old a").status)
	dir := e.sessionDir(id)
	before, err := os.ReadDir(dir + "/d")
	require.NoError(t, err)
	data, ct := multipartBody(t,
		[3]string{"path", "", "d"},
		[3]string{"file", "a.bin", "new a\r\n--" + strings.Repeat("x", 40)},
		[3]string{"note", "", "skipped"},
		[3]string{"file", "b.bin", "new b"})
	body, err := io.ReadAll(data)
	require.NoError(t, err)
	// The one-file upload stops reading once it has seen its file's
	// delimiter, so it fails only when cut inside it: a break right after
	// "\r\n--boundary" ends the content there, as in mime/multipart (the
	// byte after it would have decided, and no more will come).
	content := "new a\r\n--" + strings.Repeat("x", 40)
	fileEnd := strings.Index(string(body), content) + len(content) + len("\r\n--") + len(ct[strings.Index(ct, "=")+1:])
	for _, target := range []struct {
		path, version string
		cuts          int
	}{{"/files", testVersion, fileEnd}, {"/files/upload", V20240202Preview, len(body)}} {
		for cut := range target.cuts {
			for _, chunk := range []int{1, 1000} {
				r := httptest.NewRequest(http.MethodPost, target.path+"?identifier="+id+"&api-version="+target.version,
					&chunkedReader{data: body, chunk: chunk, failAt: cut})
				r.Header.Set("Authorization", "Bearer "+e.token)
				r.Header.Set("Content-Type", ct)
				w := httptest.NewRecorder()
				e.srv.ServeHTTP(w, r)
				require.NotEqual(t, http.StatusOK, w.Code, "%s cut at %d of %d (reads of %d): %s", target.path, cut, len(body), chunk, w.Body)
				after, err := os.ReadDir(dir + "/d")
				require.NoError(t, err)
				require.Equal(t, len(before), len(after), "%s cut at %d: %v", target.path, cut, after)
				old, err := os.ReadFile(dir + "/d/a.bin")
				require.NoError(t, err)
				require.Equal(t, "old a", string(old), "%s cut at %d", target.path, cut)
			}
		}
	}
}
