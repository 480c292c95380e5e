package multipart

import (
	"bytes"
	"errors"
	"io"
	"mime"
	stdmultipart "mime/multipart"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// payload returns n deterministic bytes covering every byte value.
func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func readAll(t *testing.T, b *Body) []byte {
	t.Helper()
	got, err := io.ReadAll(b)
	if err != nil {
		t.Fatalf("reading the body: %v", err)
	}
	if int64(len(got)) != b.Size() {
		t.Fatalf("read %d bytes, Size() = %d", len(got), b.Size())
	}
	return got
}

type parsed struct {
	fields      map[string]string
	fieldName   string
	fileName    string
	contentType string
	file        []byte
}

// parse decodes an encoded body with the standard library.
func parse(t *testing.T, encoded []byte, contentType string) parsed {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		t.Fatalf("content type %q: %q %v %v", contentType, mt, params, err)
	}
	r := stdmultipart.NewReader(bytes.NewReader(encoded), params["boundary"])
	p := parsed{fields: map[string]string{}}
	files := 0
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("NextPart: %v", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			t.Fatalf("reading part %q: %v", part.FormName(), err)
		}
		if _, params, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition")); params["filename"] != "" {
			files++
			p.fieldName = part.FormName()
			// Part.FileName applies filepath.Base; read the raw parameter.
			p.fileName = params["filename"]
			p.contentType = part.Header.Get("Content-Type")
			p.file = data
		} else {
			p.fields[part.FormName()] = string(data)
		}
	}
	if files != 1 {
		t.Fatalf("%d file parts, want 1", files)
	}
	return p
}

func TestBodyRoundTrip(t *testing.T) {
	fields := []Part{{Name: "a", Value: "1"}, {Name: "with space", Value: "x y\r\nz"}, {Name: `q"uote`, Value: ""}}
	for _, tc := range []struct {
		name, fileName, contentType string
		size                        int
	}{
		{"plain", "data.bin", "application/octet-stream", 100_000},
		{"empty file", "empty.txt", "text/plain", 0},
		{"quotes", `say "hi".txt`, "text/plain; charset=utf-8", 10},
		{"unicode", "données 数据 🚀.csv", "text/csv", 3},
		{"backslashes", `back\slash\\.txt`, "application/json", 1},
		{"backslash before quote", `a\"b`, "application/octet-stream", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := payload(tc.size)
			b, ct, err := NewBody(fields, "file", tc.fileName, tc.contentType, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			encoded := readAll(t, b)
			p := parse(t, encoded, ct)
			if p.fieldName != "file" || p.fileName != tc.fileName || p.contentType != tc.contentType {
				t.Errorf("file part: field %q, name %q, type %q; want %q, %q, %q", p.fieldName, p.fileName, p.contentType, "file", tc.fileName, tc.contentType)
			}
			if !bytes.Equal(p.file, data) {
				t.Errorf("file bytes differ: got %d bytes, want %d", len(p.file), len(data))
			}
			if len(p.fields) != len(fields) {
				t.Errorf("fields %q, want %v", p.fields, fields)
			}
			for _, f := range fields {
				if v, ok := p.fields[f.Name]; !ok || v != f.Value {
					t.Errorf("field %q = %q (present %v), want %q", f.Name, v, ok, f.Value)
				}
			}
		})
	}
}

// TestBodyMatchesStdlib checks that the encoding is byte for byte what
// mime/multipart.Writer writes for the same parts and boundary.
func TestBodyMatchesStdlib(t *testing.T) {
	data := payload(5000)
	fields := []Part{{Name: "path", Value: "dir/sub"}, {Name: "x", Value: "y"}}
	for _, fileName := range []string{"a.txt", `q"uo\te ü.bin`, "line\r\nbreak"} {
		b, ct, err := NewBody(fields, "file", fileName, "application/octet-stream", bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		got := readAll(t, b)
		_, params, _ := mime.ParseMediaType(ct)
		var want bytes.Buffer
		w := stdmultipart.NewWriter(&want)
		if err := w.SetBoundary(params["boundary"]); err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			if err := w.WriteField(f.Name, f.Value); err != nil {
				t.Fatal(err)
			}
		}
		fw, err := w.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
		w.Close()
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("file name %q: body differs from mime/multipart.Writer's:\n got %q\nwant %q", fileName, head(got), head(want.Bytes()))
		}
		if ct != w.FormDataContentType() {
			t.Errorf("content type %q, want %q", ct, w.FormDataContentType())
		}
	}
}

func head(b []byte) []byte { return b[:min(len(b), 400)] }

func TestBodyBoundaryIsRandom(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		_, ct, err := NewBody(nil, "file", "f", "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		if seen[ct] {
			t.Fatalf("boundary repeated: %s", ct)
		}
		seen[ct] = true
	}
}

// TestBodyFromCurrentPosition checks that the file is sent from where it was
// when the body was built, even if its owner moves it afterwards.
func TestBodyFromCurrentPosition(t *testing.T) {
	data := payload(1000)
	r := bytes.NewReader(data)
	if _, err := r.Seek(123, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	b, ct, err := NewBody(nil, "file", "f.bin", "application/octet-stream", r)
	if err != nil {
		t.Fatal(err)
	}
	if pos, _ := r.Seek(0, io.SeekCurrent); pos != 123 {
		t.Errorf("NewBody left the file at %d, want 123", pos)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil { // the owner moves it
		t.Fatal(err)
	}
	p := parse(t, readAll(t, b), ct)
	if !bytes.Equal(p.file, data[123:]) {
		t.Errorf("file part has %d bytes, want the %d from offset 123", len(p.file), len(data)-123)
	}
}

// TestBodyRewind is the retry case: after part of the body was sent,
// Seek(0, io.SeekStart) yields the identical bytes again.
func TestBodyRewind(t *testing.T) {
	data := payload(300_000)
	b, ct, err := NewBody([]Part{{Name: "k", Value: "v"}}, "file", "f.bin", "application/octet-stream", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	first := readAll(t, b)
	_, params, _ := mime.ParseMediaType(ct)
	headLen := len(first) - len(data) - len("\r\n--"+params["boundary"]+"--\r\n")
	// Stop in the head, at the head/file edge, in the file, at the
	// file/tail edge, in the tail and at the end.
	for _, stop := range []int{0, 1, headLen - 1, headLen, headLen + 1, headLen + 65536, headLen + len(data), len(first) - 3, len(first)} {
		if _, err := b.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		partial := make([]byte, stop)
		if _, err := io.ReadFull(b, partial); err != nil {
			t.Fatalf("stop %d: %v", stop, err)
		}
		if !bytes.Equal(partial, first[:stop]) {
			t.Fatalf("stop %d: the partial read differs", stop)
		}
		if pos, err := b.Seek(0, io.SeekStart); pos != 0 || err != nil {
			t.Fatalf("Seek(0, SeekStart) = %d, %v", pos, err)
		}
		again := readAll(t, b)
		if !bytes.Equal(again, first) {
			t.Fatalf("after a partial read of %d bytes and a rewind the body differs", stop)
		}
	}
}

// TestBodyReadSizes reads with odd buffer sizes, including one byte at a
// time, and checks Seek from every whence with the standard reader tests.
func TestBodyReadSizes(t *testing.T) {
	data := payload(70_001)
	b, _, err := NewBody([]Part{{Name: "k", Value: "v"}}, "file", "f.bin", "application/octet-stream", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := readAll(t, b)
	for _, size := range []int{1, 2, 7, 4096, 32 * 1024, 1 << 20} {
		b.Seek(0, io.SeekStart)
		var got bytes.Buffer
		buf := make([]byte, size)
		for {
			n, err := b.Read(buf)
			got.Write(buf[:n])
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("size %d: %v", size, err)
			}
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("reading %d bytes at a time gives a different body", size)
		}
	}
	b.Seek(0, io.SeekStart)
	if err := iotest.TestReader(b, want); err != nil {
		t.Error(err)
	}
}

func TestBodySize(t *testing.T) {
	for _, n := range []int{0, 1, 4095, 1 << 20} {
		b, _, err := NewBody([]Part{{Name: "a", Value: "b"}}, "file", "f", "text/plain", bytes.NewReader(payload(n)))
		if err != nil {
			t.Fatal(err)
		}
		size := b.Size()
		got := readAll(t, b) // checks len == Size()
		if end, err := b.Seek(0, io.SeekEnd); end != size || err != nil {
			t.Errorf("Seek(0, SeekEnd) = %d, %v; want %d", end, err, size)
		}
		if int64(len(got)) != size {
			t.Errorf("file of %d bytes: read %d, Size() %d", n, len(got), size)
		}
	}
}

// unseekable has a Seek method that always fails, like a pipe.
type unseekable struct{ io.Reader }

func (unseekable) Seek(int64, int) (int64, error) { return 0, errors.New("illegal seek") }

// noEnd can report its position but not seek to its end.
type noEnd struct{ *bytes.Reader }

func (r noEnd) Seek(off int64, whence int) (int64, error) {
	if whence == io.SeekEnd {
		return 0, errors.New("cannot seek to the end")
	}
	return r.Reader.Seek(off, whence)
}

func TestBodyNotSeekable(t *testing.T) {
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	for name, r := range map[string]io.ReadSeeker{
		"pipe":              pr,
		"failing Seek":      unseekable{strings.NewReader("data")},
		"no seeking to end": noEnd{bytes.NewReader([]byte("data"))},
	} {
		t.Run(name, func(t *testing.T) {
			b, _, err := NewBody(nil, "file", "f", "text/plain", r)
			if err == nil || b != nil {
				t.Fatalf("NewBody = %v, %v; want an error", b, err)
			}
		})
	}
}

// TestBodyFileShrinks checks that a file truncated after NewBody makes the
// read fail instead of sending a short body that still looks complete.
func TestBodyFileShrinks(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data := payload(100_000)
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	f.Seek(0, io.SeekStart)
	b, _, err := NewBody(nil, "file", "f", "application/octet-stream", f)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(40_000); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(b)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading a body whose file shrank: %d bytes, err %v; want io.ErrUnexpectedEOF", len(got), err)
	}
	if int64(len(got)) >= b.Size() {
		t.Errorf("read %d bytes of %d despite the error", len(got), b.Size())
	}

	// The retry sees the same error rather than a short body.
	if _, err := b.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(b); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("after a rewind: %v, want io.ErrUnexpectedEOF", err)
	}
}

// TestBodyFileGrows checks that bytes appended after NewBody are not sent:
// the body stays Size() bytes, which is the Content-Length already sent.
func TestBodyFileGrows(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data := payload(10_000)
	f.Write(data)
	f.Seek(0, io.SeekStart)
	b, ct, err := NewBody(nil, "file", "f", "application/octet-stream", f)
	if err != nil {
		t.Fatal(err)
	}
	f.Seek(0, io.SeekEnd)
	f.Write([]byte("appended"))
	p := parse(t, readAll(t, b), ct)
	if !bytes.Equal(p.file, data) {
		t.Errorf("file part has %d bytes, want the original %d", len(p.file), len(data))
	}
}

// errReader fails after some bytes.
type errReader struct {
	*bytes.Reader
	failAt int64
}

var errDisk = errors.New("disk on fire")

func (r *errReader) Read(p []byte) (int, error) {
	pos, _ := r.Reader.Seek(0, io.SeekCurrent)
	if pos >= r.failAt {
		return 0, errDisk
	}
	if rem := r.failAt - pos; int64(len(p)) > rem {
		p = p[:rem]
	}
	return r.Reader.Read(p)
}

func TestBodyReadErrorPropagates(t *testing.T) {
	b, _, err := NewBody(nil, "file", "f", "text/plain", &errReader{bytes.NewReader(payload(1000)), 500})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(b); !errors.Is(err, errDisk) {
		t.Errorf("got %v, want the file's error", err)
	}
}

func TestBodySeekErrors(t *testing.T) {
	b, _, err := NewBody(nil, "file", "f", "text/plain", strings.NewReader("abc"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Seek(-1, io.SeekStart); err == nil {
		t.Error("Seek(-1, SeekStart) succeeded")
	}
	if _, err := b.Seek(0, 42); err == nil {
		t.Error("Seek with an invalid whence succeeded")
	}
	// Past the end reads EOF, as for files.
	if _, err := b.Seek(10, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	if n, err := b.Read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Errorf("Read past the end = %d, %v; want 0, EOF", n, err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// TestBodyHeaderEscaping checks that names cannot inject header lines.
func TestBodyHeaderEscaping(t *testing.T) {
	b, ct, err := NewBody(nil, "file", "evil\r\nContent-Type: text/html\r\n\r\n", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	_, params, _ := mime.ParseMediaType(ct)
	r := stdmultipart.NewReader(bytes.NewReader(readAll(t, b)), params["boundary"])
	part, err := r.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	if got := textproto.MIMEHeader(part.Header).Values("Content-Type"); len(got) != 1 || got[0] != "text/plain" {
		t.Errorf("Content-Type headers %q, want just text/plain", got)
	}
	if data, _ := io.ReadAll(part); string(data) != "x" {
		t.Errorf("file bytes %q, want %q", data, "x")
	}
}
