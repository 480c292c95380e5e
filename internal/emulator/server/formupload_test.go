package server

import (
	"bufio"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// stdlibUpload is what an upload of body stored when mime/multipart alone
// read it: the first "file" part's name and content, in the directory of
// a "path" field before it; ok false when mime/multipart failed first.
func stdlibUpload(body, boundary string) (dir, name, content string, ok bool) {
	mr := multipart.NewReader(bufio.NewReaderSize(strings.NewReader(body), uploadBufferSize), boundary)
	for {
		p, err := mr.NextPart()
		if err != nil {
			return "", "", "", false
		}
		switch p.FormName() {
		case "path":
			v, err := io.ReadAll(p)
			if err != nil {
				return "", "", "", false
			}
			dir = string(v)
		case "file":
			_, params, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
			v, err := io.ReadAll(p)
			return dir, params["filename"], string(v), err == nil
		}
	}
}

// Uploads through the HTTP handler store what mime/multipart alone read of
// bodies formReader reads itself and of bodies it leaves to mime/multipart.
func TestUploadStoresWhatMimeMultipartReads(t *testing.T) {
	e := newEnv(t, nil)
	file := func(content string) string {
		return "Content-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\n\r\n" + content
	}
	bodies := map[string]string{
		"common":                     "--b\r\n" + file("hello\r\n--bx") + "\r\n--b--\r\n",
		"path field":                 "--b\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\nd/e\r\n--b\r\n" + file("x") + "\r\n--b--\r\n",
		"LF line ends":               "--b\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\n\nline\r\nline\n--b--\n",
		"preamble":                   "hi\r\n--b\r\n" + file("p") + "\r\n--b--\r\n",
		"spaces after the delimiter": "--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nv\r\n--b \t\r\n" + file("s") + "\r\n--b--\r\n",
		"quoted-printable file":      "--b\r\nContent-Transfer-Encoding: quoted-printable\r\n" + file("a=3Db=\r\nc") + "\r\n--b--\r\n",
		"bare LF look-alike":         "--b\r\n" + file("x\n--b\r\ny") + "\r\n--b--\r\n",
		"no final boundary":          "--b\r\n" + file("z") + "\r\n--b",
		"junk after a delimiter":     "--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nv\r\n--b junk\r\n" + file("j") + "\r\n--b--\r\n",
	}
	i := 0
	for name, body := range bodies {
		i++
		id := fmt.Sprintf("stdlib-%d", i)
		dir, fname, content, ok := stdlibUpload(body, "b")
		resp := e.do(req{method: http.MethodPost, path: "/files", query: ident(id), body: strings.NewReader(body), ctype: "multipart/form-data; boundary=b"})
		if !ok {
			require.Equal(t, http.StatusBadRequest, resp.status, "%s: %s", name, resp.body)
			continue
		}
		require.Equal(t, http.StatusOK, resp.status, "%s: %s", name, resp.body)
		got := e.do(req{path: "/files/" + fname + "/content", query: url.Values{"identifier": {id}, "path": {dir}}})
		require.Equal(t, http.StatusOK, got.status, name)
		require.Equal(t, content, string(got.body), name)
	}
}
