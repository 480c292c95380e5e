package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A "path" field longer than the 4096 bytes an upload reads of it: the
// rest of the field is skipped, delimiter look-alikes included, and the
// real file part is stored. (A faster reader of parts, reverted, let the
// look-alike start a forged part.)
func TestUploadLongPathFieldKeepsItsContent(t *testing.T) {
	e := newEnv(t, nil)
	dir := "dir" + strings.Repeat("/.", 2046) + "/" // 4096 bytes, cleaned to "dir"
	require.Len(t, dir, 4096)
	body := "--B\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + dir +
		"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"forged.txt\"\r\n\r\nforged" +
		"\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"real.txt\"\r\n\r\nreal\r\n--B--\r\n"
	resp := e.do(req{method: http.MethodPost, path: "/files", query: ident("long-path"), body: strings.NewReader(body), ctype: "multipart/form-data; boundary=B"})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Equal(t, "real.txt", resp.json(t)["name"])
	require.Equal(t, "real", string(e.do(req{path: "/files/real.txt/content", query: url.Values{"identifier": {"long-path"}, "path": {"dir"}}}).body))
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
