package server

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// The error answers http.ServeContent writes itself are the API's JSON
// errors too, with x-ms-error-code, as every other error (they were
// text/plain, or empty, without the header): 416 for a range past the
// file's end (still with its Content-Range) and 412 for a precondition
// that fails.
func TestContentErrorsAreJSON(t *testing.T) {
	e := newEnv(t, nil)
	require.Equal(t, http.StatusOK, e.upload("ce", "", "a.txt", "hello").status)
	for name, tc := range map[string]struct {
		header map[string]string
		status int
		code   string
	}{
		"range past the end":  {map[string]string{"Range": "bytes=100-200"}, http.StatusRequestedRangeNotSatisfiable, CodeRangeNotSatisfiable},
		"if-match":            {map[string]string{"If-Match": `"other"`}, http.StatusPreconditionFailed, CodePreconditionFailed},
		"if-unmodified-since": {map[string]string{"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}, http.StatusPreconditionFailed, CodePreconditionFailed},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do(req{path: "/files/a.txt/content", query: ident("ce"), header: tc.header})
			require.Equal(t, tc.status, r.status, "%s", r.body)
			require.Equal(t, "application/json; charset=utf-8", r.header.Get("Content-Type"))
			require.Equal(t, tc.code, r.errorCode(t))
			if tc.status == http.StatusRequestedRangeNotSatisfiable {
				require.Equal(t, "bytes */5", r.header.Get("Content-Range"))
			}
		})
	}
	// What ServeContent serves is unchanged: a range, and the whole file.
	r := e.do(req{path: "/files/a.txt/content", query: ident("ce"), header: map[string]string{"Range": "bytes=1-2"}})
	require.Equal(t, http.StatusPartialContent, r.status)
	require.Equal(t, "el", string(r.body))
	require.Equal(t, "hello", string(e.do(req{path: "/files/a.txt/content", query: ident("ce")}).body))
}
