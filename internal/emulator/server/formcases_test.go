package server

import (
	"io"
	"mime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmultipart "github.com/seed-f3fa2c9d/azsessions/internal/multipart"
)

// formCases are bodies at the edges of the multipart syntax, and the
// hostile bodies a review found a faster reader of parts (73410c2,
// reverted) storing otherwise than mime/multipart.
var formCases = []struct {
	name, boundary, body string
}{
	{"one file", "b", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nhello\r\n--b--\r\n"},
	{"two parts", "b", "--b\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\ndir\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nhi\r\n--b--"},
	{"preamble and epilogue", "b", "preamble\r\nmore\r\n--b\r\n\r\nbody\r\n--b--\r\nepilogue"},
	{"epilogue", "b", "--b\r\n\r\nbody\r\n--b--\r\nepilogue\r\n--b\r\n\r\nnot a part\r\n"},
	{"delimiter look-alikes in content", "b", "--b\r\n\r\na\r\n--bx\r\n--b-x\n--b\r--c\r\r\n--\r\n-b\r\n--b--\r\n"},
	{"LF only", "b", "--b\n\nline one\nline two\r\n--b\n\nsecond\r\n--b--\n"},
	{"LF mode, content ends in CR", "b", "--b\n\nends in CR\r\n--b--\n"},
	{"CRLF mode, bare LF delimiter in content", "b", "--b\r\n\r\nbare\n--b\r\nstill content\r\n--b--\r\n"},
	{"CRLF mode, bare LF delimiter line after a part", "b", "--b\r\n\r\nx\r\n--b\n\r\ny\r\n--b--\r\n"},
	{"CRLF mode, bare LF header lines", "b", "--b\r\nContent-Disposition: form-data; name=\"a\"\n\r\nx\r\n--b\r\nA: 1\nB: 2\n\nhead\r\n\r\n--b--\r\n"},
	{"CR inside header lines", "b", "--b\r\nA: 1\r\r\nB: \r2\r\n\r\n\rx\r\n--b--\r\n"},
	{"empty part", "b", "--b\r\n\r\n\r\n--b--\r\n"},
	{"boundary right after the headers", "b", "--b\r\n\r\n--b\r\n\r\nnext\r\n--b--\r\n"},
	{"final boundary right after the headers", "b", "--b\r\nA: 1\r\n\r\n--b--\r\n"},
	{"content starting with dashes", "b", "--b\r\n\r\n---\nyaml: true\r\n--b--\r\n"},
	{"content starting with the boundary and more", "b", "--b\r\n\r\n--bb\r\n--b--\r\n"},
	{"content starting with the boundary and a dash", "b", "--b\r\n\r\n--b-\r\n--b--\r\n"},
	{"quoted-printable", "b", "--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nsoft=\r\nbreak=3D\r\n--b--\r\n"},
	{"quoted-printable, other casing, then a file", "b", "--b\r\ncontent-transfer-encoding: Quoted-Printable\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\nd=\r\nir\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nhi\r\n--b--\r\n"},
	{"base64 is not decoded", "b", "--b\r\nContent-Transfer-Encoding: base64\r\n\r\naGk=\r\n--b--\r\n"},
	{"broken quoted-printable, then a part", "b", "--b\nContent-Transfer-Encoding: quoted-printable\n\n\x00\n00\n--b\n\nnext\n--b--\n"},
	{"broken quoted-printable in a CRLF body, then a part", "b", "--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n\x7f\r\n0\r\n1\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nhello\r\n--b--\r\n"},
	{"truncated content", "b", "--b\r\n\r\nno end"},
	{"truncated in the delimiter", "b", "--b\r\n\r\ncontent\r\n--"},
	{"truncated after the delimiter", "b", "--b\r\n\r\ncontent\r\n--b"},
	{"truncated after the delimiter and a dash", "b", "--b\r\n\r\ncontent\r\n--b-"},
	{"final boundary without a line end", "b", "--b\r\n\r\ncontent\r\n--b--"},
	{"final boundary with spaces", "b", "--b\r\n\r\ncontent\r\n--b-- \t\r\n"},
	{"final boundary with junk", "b", "--b\r\n\r\ncontent\r\n--b--junk\r\n"},
	{"truncated headers", "b", "--b\r\nContent-Disposition: form-da"},
	{"truncated in the blank line", "b", "--b\r\nA: 1\r\n\r"},
	{"no boundary at all", "b", "just text"},
	{"wrong boundary", "b", "--c\r\n\r\nx\r\n--c--\r\n"},
	{"first line with spaces", "b", "--b \r\n\r\nx\r\n--b--\r\n"},
	{"garbage between parts", "b", "--b\r\n\r\nx\r\n--b \t\r\n\r\ny\r\n--b--junk\r\n"},
	{"delimiter with trailing space", "b", "--b\r\n\r\nx\r\n--b \r\n\r\ny\r\n--b--\r\n"},
	{"delimiter with junk after a space", "b", "--b\r\n\r\nx\r\n--b junk\r\n\r\ny\r\n--b--\r\n"},
	{"two line breaks before a delimiter", "b", "--b\r\n\r\nx\r\n\r\n--b\r\n\r\ny\r\n--b--\r\n"},
	{"bad header line", "b", "--b\r\nno colon here\r\n\r\nx\r\n--b--\r\n"},
	{"header starting with a space", "b", "--b\r\n A: 1\r\n\r\nx\r\n--b--\r\n"},
	{"header continuation", "b", "--b\r\nContent-Disposition: form-data;\r\n name=\"file\"\r\n\r\nx\r\n--b--\r\n"},
	{"whitespace-only continuation line", "b", "--b\r\nA: 1\r\n \r\n\t\r\n\r\nx\r\n--b--\r\n"},
	{"header with a bad key byte", "b", "--b\r\nA B: 1\r\n\r\nx\r\n--b--\r\n"},
	{"header with a NUL value", "b", "--b\r\nA: 1\x002\r\n\r\nx\r\n--b--\r\n"},
	{"long header line", "b", "--b\r\nX-Long: " + strings.Repeat("v", 9000) + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nx\r\n--b--\r\n"},
	{"long delimiter line", "b", "--b\r\n\r\nx\r\n--b" + strings.Repeat(" ", 5000) + "\r\n\r\ny\r\n--b--\r\n"},
	{"long boundary", strings.Repeat("z", 70), "--" + strings.Repeat("z", 70) + "\r\n\r\nx\r\n\r\n--" + strings.Repeat("z", 69) + "\r\n--" + strings.Repeat("z", 70) + "--\r\n"},
	{"boundary of 71 characters", strings.Repeat("y", 71), "--" + strings.Repeat("y", 71) + "\r\n\r\nx\r\n--" + strings.Repeat("y", 71) + "--\r\n"},
	{"boundary outside RFC 2046's characters", "a\"b", "--a\"b\r\n\r\nx\r\n--a\"b--\r\n"},
	{"boundary with a space", "a b", "--a b\r\n\r\nx\r\n--a b--\r\n"},
	{"boundary of dashes", "--", "----\r\n\r\nx\r\n------\r\n"},
	{"large content", "b", "--b\r\n\r\n" + strings.Repeat("0123456789\r\n-", 50000) + "\r\n--b--\r\n"},
	{"path field with a forged part after its first 5 bytes", "b", "--b\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + "12345--b\r\nContent-Disposition: form-data; name=\"forged\"\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"real\"\r\n\r\ny\r\n--b--\r\n"},
	{"path field over 4096 bytes with a forged part", "B", "--B\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\n" + "dir" + strings.Repeat("/.", 2046) + "/" +
		"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"forged.txt\"\r\n\r\nforged" +
		"\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"real.txt\"\r\n\r\nreal\r\n--B--\r\n"},
	{"two path fields, then a file", "b", "--b\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\nfirst\r\n--b\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\nsecond\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nx\r\n--b--\r\n"},
	{"quoted-printable path field with a soft break before a look-alike", "b", "--b\r\nContent-Disposition: form-data; name=\"path\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nd=\r\n--b=0D=0A\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nx\r\n--b--\r\n"},
	{"empty file part, then a file", "b", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"e\"\r\n\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nx\r\n--b--\r\n"},
	{"part with no header and no content", "b", "--b\r\n\r\n--b\r\n\r\n--b--\r\n"},
	{"many tiny parts", "b", strings.Repeat("--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nv\r\n", 90) + "--b--\r\n"},
	{"final boundary mid-body, then a forged part", "b", "--b\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\nd\r\n--b--\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"forged\"\r\n\r\nx\r\n--b--\r\n"},
	{"delimiter with trailing tab, then bare LF header end", "b", "--b\r\n\r\nx\r\n--b\t\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\n\ny\r\n--b--\r\n"},
	{"header line split by a bare CR", "b", "--b\r\nContent-Disposition: form-data; name=\"file\";\r filename=\"x\"\r\n\r\ny\r\n--b--\r\n"},
	{"CRLF then bare LF blank line ending the header", "b", "--b\r\nA: 1\r\n\n\r\n--b\r\n\r\nz\r\n--b--\r\n"},
	{"many headers", "b", "--b\r\n" + strings.Repeat("A: 1\r\n", 10001) + "\r\nx\r\n--b--\r\n"},
	{"large header", "b", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\nX-Big: " + strings.Repeat("h", 300<<10) + "\r\n\r\nx\r\n--b--\r\n"},
}

// sdkBody is a body the SDK's own writer produces.
type sdkBody struct {
	data     []byte
	boundary string
}

// sdkBodies are bodies of the SDK's writer (internal/multipart), with and
// without a path field, around contents that look like its delimiter.
func sdkBodies(t testing.TB) []sdkBody {
	var out []sdkBody
	for _, content := range []string{"", "hello", "\r\n--", strings.Repeat("x\r\n--", 3000)} {
		for _, fields := range [][]sdkmultipart.Part{nil, {{Name: "path", Value: "a/b"}}} {
			body, ctype, err := sdkmultipart.NewBody(fields, "file", "f.txt", "text/plain", strings.NewReader(content))
			require.NoError(t, err)
			data, err := io.ReadAll(body)
			require.NoError(t, err)
			_, params, err := mime.ParseMediaType(ctype)
			require.NoError(t, err)
			out = append(out, sdkBody{data, params["boundary"]})
		}
	}
	return out
}

// Bodies the SDK writes are read as mime/multipart reads them.
func TestFormReaderReadsSDKBodies(t *testing.T) {
	for _, b := range sdkBodies(t) {
		requireSameFormAllWays(t, string(b.data), b.boundary)
	}
}

// Boundaries far longer than RFC 2046's 70 characters, at the edge of
// mime/multipart's 4 KiB buffer (which then takes a delimiter look-alike
// for the delimiter): formReader leaves such bodies to mime/multipart.
func TestFormReaderBoundaryAtMimeMultipartsBufferSize(t *testing.T) {
	for _, size := range []int{70, 71, 1000, 4092, 4093} {
		b := strings.Repeat("z", size-1) + "q"
		near := strings.Repeat("z", size-1)
		bodies := []string{
			"--" + b + "\r\n\r\n" + strings.Repeat("x", 70000) + "\r\n--" + near + "\r\n--" + b + "x\r\n" + strings.Repeat("y", 5000) + "\r\n--" + b + "--\r\n",
			"--" + b + "\n\n" + strings.Repeat("x\r", 3000) + "\n--" + near + "\n--" + b + "-\n" + "\n--" + b + "\n\nsecond\n--" + b + "--",
		}
		for _, body := range bodies {
			for _, chunk := range []int{509, 4096, 1 << 20} {
				requireSameForm(t, []byte(body), b, chunk, -1, 0, 0)
				requireSameForm(t, []byte(body), b, chunk, -1, 1000, 0)
			}
		}
	}
}
