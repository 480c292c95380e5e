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

// A legacy upload of several files whose body ends cleanly (the request's
// whole length arrived) before its closing delimiter is a malformed body,
// not a shorter upload: it stores none of its files, as when the
// connection breaks. The exception is mime/multipart's: a body that ends
// right after a delimiter line reads as ended there (a bare io.EOF), and
// is stored as such.
func TestUploadBodyEndingBeforeItsCloseStoresNothing(t *testing.T) {
	e := newEnv(t, nil)
	const id = "short"
	require.Equal(t, http.StatusOK, e.upload(id, "d", "a.bin", "old a").status)
	dir := e.sessionDir(id)
	data, ct := multipartBody(t,
		[3]string{"file", "a.bin", "new a"},
		[3]string{"note", "", "skipped"},
		[3]string{"file", "b.bin", "new b"},
		[3]string{"path", "", "ignored"})
	body, err := io.ReadAll(data)
	require.NoError(t, err)
	closing := "--" + ct[strings.Index(ct, "=")+1:] + "--"
	end := bytes.LastIndex(body, []byte(closing)) + len(closing)
	for cut := range end {
		if endsCleanly(t, body[:cut], ct) {
			continue
		}
		r := httptest.NewRequest(http.MethodPost, "/files/upload?identifier="+id+"&path=d&api-version="+V20240202Preview, bytes.NewReader(body[:cut]))
		r.Header.Set("Authorization", "Bearer "+e.token)
		r.Header.Set("Content-Type", ct)
		w := httptest.NewRecorder()
		e.srv.ServeHTTP(w, r)
		require.NotEqual(t, http.StatusOK, w.Code, "body cut at %d of %d: %s", cut, len(body), w.Body)
		_, err := os.Stat(dir + "/d/b.bin")
		require.True(t, os.IsNotExist(err), "body cut at %d: b.bin stored", cut)
		old, err := os.ReadFile(dir + "/d/a.bin")
		require.NoError(t, err)
		require.Equal(t, "old a", string(old), "body cut at %d", cut)
	}
	r := httptest.NewRequest(http.MethodPost, "/files/upload?identifier="+id+"&path=d&api-version="+V20240202Preview, bytes.NewReader(body[:end]))
	r.Header.Set("Authorization", "Bearer "+e.token)
	r.Header.Set("Content-Type", ct)
	w := httptest.NewRecorder()
	e.srv.ServeHTTP(w, r)
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
