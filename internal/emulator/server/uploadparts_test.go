package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A "path" field longer than any listed path (maxPathFieldBytes) is
// refused, not cut: its cut
// named another directory. Nothing of the body is stored, not even a part
// a delimiter look-alike inside the field seems to start. (A faster reader
// of parts, reverted, let the look-alike start a forged part.)
func TestUploadLongPathFieldIsRefused(t *testing.T) {
	e := newEnv(t, nil)
	dir := "dir" + strings.Repeat("/.", (maxPathFieldBytes-4)/2) + "/" // cleaned to "dir"
	require.Len(t, dir, maxPathFieldBytes)
	file := "\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"real.txt\"\r\n\r\nreal\r\n--B--\r\n"
	for name, body := range map[string]string{
		"at the bound":   "--B\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + dir + file,
		"one byte over":  "--B\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + dir + "x" + file,
		"with a forgery": "--B\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + dir + "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"forged.txt\"\r\n\r\nforged" + file,
	} {
		id := "long-path-" + strings.ReplaceAll(name, " ", "-")
		resp := e.do(req{method: http.MethodPost, path: "/files", query: ident(id), body: strings.NewReader(body), ctype: "multipart/form-data; boundary=B"})
		if name == "at the bound" {
			require.Equal(t, http.StatusOK, resp.status, "%s: %s", name, resp.body)
			require.Equal(t, "real", string(e.do(req{path: "/files/real.txt/content", query: url.Values{"identifier": {id}, "path": {"dir"}}}).body))
			continue
		}
		require.Equal(t, http.StatusBadRequest, resp.status, "%s: %s", name, resp.body)
		require.Contains(t, string(resp.body), fmt.Sprintf("longer than %d bytes", maxPathFieldBytes), name)
		for _, f := range []string{"real.txt", "forged.txt"} {
			got := e.do(req{path: "/files/" + f, query: url.Values{"identifier": {id}, "path": {"dir"}}})
			require.NotEqual(t, http.StatusOK, got.status, "%s: %s was stored", name, f)
		}
	}
}

// A field the upload skips, whose quoted-printable does not decode, is
// skipped to its delimiter, and the file part after it is stored.
func TestUploadSkipsABrokenQuotedPrintableField(t *testing.T) {
	e := newEnv(t, nil)
	for i, broken := range []string{"\x7f\r\n0\r\n1", "\x00\r\n\r\n", "\x7f\n0"} {
		body := "--b\r\nContent-Disposition: form-data; name=\"note\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + broken +
			"\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\n\r\nhello\r\n--b--\r\n"
		resp := e.do(req{method: http.MethodPost, path: "/files", query: ident("qp"), body: strings.NewReader(body), ctype: "multipart/form-data; boundary=b"})
		require.Equal(t, http.StatusOK, resp.status, "body %d: %s", i, resp.body)
	}
}
