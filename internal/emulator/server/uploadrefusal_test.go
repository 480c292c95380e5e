package server

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// An upload refused for what its headers say (not multipart, no boundary,
// a length past the limit) allocates no session, as no bad request does.
func TestRefusedUploadsAllocateNoSession(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxUploadBytes = 1024 })
	big := bytes.Repeat([]byte("x"), 1024+multipartOverhead+1)
	for name, tc := range map[string]struct {
		path, version, ctype string
		body                 []byte
		status               int
	}{
		"not multipart":         {"/files", "", "text/plain", []byte("x"), http.StatusBadRequest},
		"no boundary":           {"/files", "", "multipart/form-data", []byte("x"), http.StatusBadRequest},
		"past the limit":        {"/files", "", "multipart/form-data; boundary=b", big, http.StatusRequestEntityTooLarge},
		"legacy, not multipart": {"/files/upload", V20240202Preview, "application/json", []byte("{}"), http.StatusBadRequest},
		"legacy, no boundary":   {"/files/upload", V20240202Preview, "multipart/form-data; charset=utf-8", []byte("x"), http.StatusBadRequest},
	} {
		r := e.do(req{method: http.MethodPost, path: tc.path, version: tc.version, query: ident("refused"), ctype: tc.ctype, body: bytes.NewReader(tc.body)})
		require.Equal(t, tc.status, r.status, "%s: %s", name, r.body)
	}
	require.Equal(t, 0, e.factory.live(), "a refused upload started an interpreter")
	r := e.do(req{path: "/listSessions"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Empty(t, r.json(t)["sessions"], "a refused upload allocated a session")
}
