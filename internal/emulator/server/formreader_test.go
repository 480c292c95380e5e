package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// formOutcome is what a reader of a multipart body saw: each part's
// headers, content and content error, then the error that ended NextPart.
type formOutcome struct {
	parts []string
	end   string
}

// chunkedReader returns at most chunk bytes per Read, and fails with
// errBroken after failAt bytes (when failAt >= 0).
type chunkedReader struct {
	data   []byte
	chunk  int
	failAt int
}

var errBroken = errors.New("connection broken")

func (c *chunkedReader) Read(p []byte) (int, error) {
	if c.failAt == 0 {
		return 0, errBroken
	}
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.chunk, len(c.data))
	if c.failAt > 0 {
		n = min(n, c.failAt)
		c.failAt -= n
	}
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// readForm reads every part of a body with next and records what it saw;
// content is read readSize bytes at a time, or with io.Copy for 0.
func readForm(next func() (*multipart.Part, io.Reader, error), readSize int) formOutcome {
	var out formOutcome
	buf := make([]byte, max(readSize, 1))
	for range 100 {
		p, content, err := next()
		if err != nil {
			out.end = err.Error()
			return out
		}
		var got bytes.Buffer
		var rerr error
		if readSize == 0 {
			// io.Copy, which takes formReader's WriteTo.
			_, rerr = io.Copy(&got, content)
			out.parts = append(out.parts, fmt.Sprintf("%v %q %v", p.Header, got.Bytes(), rerr))
			continue
		}
		for {
			n, err := content.Read(buf)
			got.Write(buf[:n])
			if err != nil {
				if err != io.EOF {
					rerr = err
				}
				break
			}
		}
		out.parts = append(out.parts, fmt.Sprintf("%v %q %v", p.Header, got.Bytes(), rerr))
	}
	out.end = "too many parts"
	return out
}

// stdlibForm is what mime/multipart alone sees of body (the emulator's
// reader before formReader).
func stdlibForm(body io.Reader, boundary string, readSize int) formOutcome {
	mr := multipart.NewReader(bufio.NewReaderSize(body, uploadBufferSize), boundary)
	return readForm(func() (*multipart.Part, io.Reader, error) {
		p, err := mr.NextPart()
		return p, p, err
	}, readSize)
}

// formReaderForm is what a formReader sees of body.
func formReaderForm(body io.Reader, boundary string, readSize int) formOutcome {
	fr := newFormReader(body, boundary)
	return readForm(func() (*multipart.Part, io.Reader, error) {
		p, err := fr.NextPart()
		return p.Part, p.content, err
	}, readSize)
}

// requireSameForm requires formReader to see data as mime/multipart does.
func requireSameForm(t *testing.T, data []byte, boundary string, chunk, failAt, readSize int) {
	t.Helper()
	chunk, readSize = max(chunk, 1), max(readSize, 0)
	want := stdlibForm(&chunkedReader{data: data, chunk: chunk, failAt: failAt}, boundary, readSize)
	got := formReaderForm(&chunkedReader{data: data, chunk: chunk, failAt: failAt}, boundary, readSize)
	require.Equal(t, want, got, "body %q, boundary %q, chunk %d, failAt %d, reads of %d", data, boundary, chunk, failAt, readSize)
}

// formCases are bodies at the edges of the multipart syntax.
var formCases = []struct {
	name, boundary, body string
}{
	{"one file", "b", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nhello\r\n--b--\r\n"},
	{"two parts", "b", "--b\r\nContent-Disposition: form-data; name=\"path\"\r\n\r\ndir\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\nhi\r\n--b--"},
	{"preamble and epilogue", "b", "preamble\r\nmore\r\n--b\r\n\r\nbody\r\n--b--\r\nepilogue"},
	{"delimiter look-alikes in content", "b", "--b\r\n\r\na\r\n--bx\r\n--b-x\n--b\r--c\r\r\n--\r\n-b\r\n--b--\r\n"},
	{"LF only", "b", "--b\n\nline one\nline two\r\n--b\n\nsecond\r\n--b--\n"},
	{"LF mode, content ends in CR", "b", "--b\n\nends in CR\r\n--b--\n"},
	{"CRLF mode, bare LF delimiter in content", "b", "--b\r\n\r\nbare\n--b\r\nstill content\r\n--b--\r\n"},
	{"empty part", "b", "--b\r\n\r\n\r\n--b--\r\n"},
	{"boundary right after the headers", "b", "--b\r\n\r\n--b\r\n\r\nnext\r\n--b--\r\n"},
	{"content starting with dashes", "b", "--b\r\n\r\n---\nyaml: true\r\n--b--\r\n"},
	{"content starting with the boundary and more", "b", "--b\r\n\r\n--bb\r\n--b--\r\n"},
	{"quoted-printable", "b", "--b\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nsoft=\r\nbreak=3D\r\n--b--\r\n"},
	{"broken quoted-printable, then a part", "b", "--b\nContent-Transfer-Encoding: quoted-printable\n\n\x00\n00\n--b\n\nnext\n--b--\n"},
	{"truncated content", "b", "--b\r\n\r\nno end"},
	{"truncated in the delimiter", "b", "--b\r\n\r\ncontent\r\n--"},
	{"truncated after the delimiter", "b", "--b\r\n\r\ncontent\r\n--b"},
	{"truncated headers", "b", "--b\r\nContent-Disposition: form-da"},
	{"no boundary at all", "b", "just text"},
	{"wrong boundary", "b", "--c\r\n\r\nx\r\n--c--\r\n"},
	{"garbage between parts", "b", "--b\r\n\r\nx\r\n--b \t\r\n\r\ny\r\n--b--junk\r\n"},
	{"delimiter with trailing space", "b", "--b\r\n\r\nx\r\n--b \r\n\r\ny\r\n--b--\r\n"},
	{"bad header line", "b", "--b\r\nno colon here\r\n\r\nx\r\n--b--\r\n"},
	{"header continuation", "b", "--b\r\nContent-Disposition: form-data;\r\n name=\"file\"\r\n\r\nx\r\n--b--\r\n"},
	{"long boundary", strings.Repeat("z", 70), "--" + strings.Repeat("z", 70) + "\r\n\r\nx\r\n\r\n--" + strings.Repeat("z", 69) + "\r\n--" + strings.Repeat("z", 70) + "--\r\n"},
	{"large content", "b", "--b\r\n\r\n" + strings.Repeat("0123456789\r\n-", 50000) + "\r\n--b--\r\n"},
}

// formReader sees every body as mime/multipart does, whatever the sizes of
// the connection's reads and of the reader's, and wherever the body fails.
func TestFormReaderReadsAsMimeMultipart(t *testing.T) {
	for _, tc := range formCases {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunk := range []int{1, 2, 3, 7, 4096, 1 << 20} {
				for _, readSize := range []int{0, 1, 5, 4096, 1 << 20} {
					requireSameForm(t, []byte(tc.body), tc.boundary, chunk, -1, readSize)
				}
			}
			for failAt := range min(len(tc.body), 200) {
				requireSameForm(t, []byte(tc.body), tc.boundary, 3, failAt, 1000)
				requireSameForm(t, []byte(tc.body), tc.boundary, 3, failAt, 0)
			}
		})
	}
}

// A file part's content is read out of the large buffer, in reads of more
// than mime/multipart's 4 KiB.
func TestFormReaderReadsContentInLargeBlocks(t *testing.T) {
	content := bytes.Repeat([]byte("large blocks\r\n"), 100000)
	body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n" + string(content) + "\r\n--b--\r\n"
	fr := newFormReader(strings.NewReader(body), "b")
	p, err := fr.NextPart()
	require.NoError(t, err)
	buf := make([]byte, 1<<20)
	var got []byte
	reads := 0
	for {
		n, err := p.content.Read(buf)
		got = append(got, buf[:n]...)
		reads++
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	require.Equal(t, content, got)
	require.Less(t, reads, len(content)/(64<<10), "reads of %d bytes", len(content))
	_, err = fr.NextPart()
	require.ErrorIs(t, err, io.EOF)

	// Copied to a file, it is written in whole blocks of fileWriteSize,
	// out of a body that arrives a few bytes at a time.
	fr = newFormReader(&chunkedReader{data: []byte(body), chunk: 1000, failAt: -1}, "b")
	p, err = fr.NextPart()
	require.NoError(t, err)
	w := &sizesWriter{}
	n, err := (&Server{}).copyToFile(w, p.content, int64(len(content)+1))
	require.NoError(t, err)
	require.Equal(t, int64(len(content)), n)
	require.Equal(t, content, w.data)
	for i, size := range w.sizes[:len(w.sizes)-1] {
		require.Equal(t, fileWriteSize, size, "write %d of %d", i, len(w.sizes))
	}
}

// sizesWriter keeps what is written and the size of each write.
type sizesWriter struct {
	data  []byte
	sizes []int
}

func (w *sizesWriter) Write(p []byte) (int, error) {
	w.data = append(w.data, p...)
	w.sizes = append(w.sizes, len(p))
	return len(p), nil
}

// copyToFile stops at its limit: the caller sees limit bytes copied and
// refuses the file.
func TestCopyToFileStopsAtTheLimit(t *testing.T) {
	content := strings.Repeat("x", 100000)
	body := "--b\r\n\r\n" + content + "\r\n--b--\r\n"
	for _, limit := range []int64{1, 32768, 99999, 100000, 100001} {
		fr := newFormReader(strings.NewReader(body), "b")
		p, err := fr.NextPart()
		require.NoError(t, err)
		w := &sizesWriter{}
		n, err := (&Server{}).copyToFile(w, p.content, limit)
		require.NoError(t, err)
		require.Equal(t, min(limit, 100000), n)
		require.Equal(t, content[:n], string(w.data))
	}
}

func FuzzFormReader(f *testing.F) {
	for _, tc := range formCases {
		if len(tc.body) < 4096 {
			f.Add([]byte(tc.body), tc.boundary, uint16(3), int32(-1), uint16(5))
			f.Add([]byte(tc.body), tc.boundary, uint16(4096), int32(len(tc.body)/2), uint16(4096))
			f.Add([]byte(tc.body), tc.boundary, uint16(7), int32(-1), uint16(0))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, boundary string, chunk uint16, failAt int32, readSize uint16) {
		if boundary == "" || strings.ContainsAny(boundary, "\r\n") || len(boundary) > 100 {
			return // not a boundary mime.ParseMediaType can give
		}
		requireSameForm(t, data, boundary, int(chunk), int(failAt), int(readSize))
	})
}

// BenchmarkFormContent copies the content of a 64 MiB file part as an
// upload does (copyToFile: 32 KiB writes), read with mime/multipart alone
// and with a formReader; the CPU time per GiB is ns/op × 16.
func BenchmarkFormContent(b *testing.B) {
	const size = 64 << 20
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	pw, err := mw.CreateFormFile("file", "x.bin")
	require.NoError(b, err)
	block := make([]byte, 1<<20)
	for i := range block {
		block[i] = byte(i*31 + i>>9)
	}
	for range size >> 20 {
		_, _ = pw.Write(block)
	}
	require.NoError(b, mw.Close())
	for _, kind := range []string{"mime-multipart", "formReader"} {
		b.Run(kind, func(b *testing.B) {
			b.SetBytes(size)
			for b.Loop() {
				var content io.Reader
				if kind == "formReader" {
					p, err := newFormReader(bytes.NewReader(body.Bytes()), mw.Boundary()).NextPart()
					require.NoError(b, err)
					content = p.content
				} else {
					p, err := multipart.NewReader(bufio.NewReaderSize(bytes.NewReader(body.Bytes()), uploadBufferSize), mw.Boundary()).NextPart()
					require.NoError(b, err)
					content = p
				}
				n, err := (&Server{}).copyToFile(io.Discard, content, size+1)
				require.NoError(b, err)
				require.Equal(b, int64(size), n)
			}
		})
	}
}
