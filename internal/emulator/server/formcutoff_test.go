package server

import (
	"bytes"
	"io"
	"mime/multipart"
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
	dir := e.sessionWith(id, "d", "a.bin", "old a")
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
				w := e.postBody(target.path+"?identifier="+id+"&api-version="+target.version, ct,
					&chunkedReader{data: body, chunk: chunk, failAt: cut})
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

// A legacy upload of several files whose body ends cleanly (the request's
// whole length arrived) before its closing delimiter is a malformed body,
// not a shorter upload: it stores none of its files, as when the
// connection breaks. The exception is mime/multipart's: a body that ends
// right after a delimiter line reads as ended there (a bare io.EOF), and
// is stored as such.
func TestUploadBodyEndingBeforeItsCloseStoresNothing(t *testing.T) {
	e := newEnv(t, nil)
	const id = "short"
	dir := e.sessionWith(id, "d", "a.bin", "old a")
	data, ct := multipartBody(t,
		[3]string{"file", "a.bin", "new a"},
		[3]string{"note", "", "skipped"},
		[3]string{"file", "b.bin", "new b"},
		[3]string{"path", "", "ignored"})
	body, err := io.ReadAll(data)
	require.NoError(t, err)
	closing := "--" + ct[strings.Index(ct, "=")+1:] + "--"
	end := bytes.LastIndex(body, []byte(closing)) + len(closing)
	target := "/files/upload?identifier=" + id + "&path=d&api-version=" + V20240202Preview
	for cut := range end {
		if endsCleanly(t, body[:cut], ct) {
			continue
		}
		w := e.postBody(target, ct, bytes.NewReader(body[:cut]))
		require.NotEqual(t, http.StatusOK, w.Code, "body cut at %d of %d: %s", cut, len(body), w.Body)
		_, err := os.Stat(dir + "/d/b.bin")
		require.True(t, os.IsNotExist(err), "body cut at %d: b.bin stored", cut)
		old, err := os.ReadFile(dir + "/d/a.bin")
		require.NoError(t, err)
		require.Equal(t, "old a", string(old), "body cut at %d", cut)
	}
	w := e.postBody(target, ct, bytes.NewReader(body[:end]))
	require.Equal(t, http.StatusOK, w.Code, "the body up to its closing delimiter: %s", w.Body)
}

// endsCleanly reports whether mime/multipart reads body to a bare io.EOF,
// its sign of a complete body.
func endsCleanly(t *testing.T, body []byte, ct string) bool {
	t.Helper()
	mr := multipart.NewReader(bytes.NewReader(body), ct[strings.Index(ct, "=")+1:])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return err == io.EOF
		}
		if _, err := io.Copy(io.Discard, p); err != nil {
			return false
		}
	}
}

// postBody posts body, of Content-Type ct, to target (a path and query)
// straight into the server's handler, and returns the recorded answer.
func (e *env) postBody(target, ct string, body io.Reader) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, target, body)
	r.Header.Set("Authorization", "Bearer "+e.token)
	r.Header.Set("Content-Type", ct)
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
	return w
}
