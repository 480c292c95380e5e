package server

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"io"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// readAllCounting reads r to its end with 1 MiB reads and counts them.
func readAllCounting(t *testing.T, r io.Reader) ([]byte, int) {
	t.Helper()
	buf := make([]byte, 1<<20)
	var got []byte
	reads := 0
	for {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		reads++
		if err == io.EOF {
			return got, reads
		}
		require.NoError(t, err)
	}
}

// A file part's content is read out of the large buffer, in reads of more
// than mime/multipart's 4 KiB, and copied to a file in whole writes of
// fileWriteSize out of a body that arrives a few bytes at a time.
func TestFormReaderReadsContentInLargeBlocks(t *testing.T) {
	content := bytes.Repeat([]byte("large blocks\r\n"), 100000)
	body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n" + string(content) + "\r\n--b--\r\n"
	fr := newFormReader(strings.NewReader(body), "b")
	p, err := fr.NextPart()
	require.NoError(t, err)
	got, reads := readAllCounting(t, p)
	require.Equal(t, content, got)
	require.Less(t, reads, len(content)/(64<<10), "reads of %d bytes", len(content))
	_, err = fr.NextPart()
	require.ErrorIs(t, err, io.EOF)

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

// A bare "\n--boundary" line inside a CRLF body's content (content, as
// mime/multipart says) leaves the rest of the part in large blocks too.
func TestFormReaderContentAfterADelimiterLookAlikeStaysInLargeBlocks(t *testing.T) {
	content := "x\n--b\r\n" + strings.Repeat("a\r\n", 100000)
	body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n" + content + "\r\n--b--\r\n"
	fr := newFormReader(strings.NewReader(body), "b")
	p, err := fr.NextPart()
	require.NoError(t, err)
	got, reads := readAllCounting(t, p)
	require.Equal(t, content, string(got))
	require.Less(t, reads, 100, "reads of %d bytes", len(content))
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

// pausingReader hands out data, then on its next Read says so on asked
// and waits for release before ending.
type pausingReader struct {
	data    []byte
	asked   chan struct{}
	release chan struct{}
}

func (r *pausingReader) Read(p []byte) (int, error) {
	if len(r.data) > 0 {
		n := copy(p, r.data)
		r.data = r.data[n:]
		return n, nil
	}
	select {
	case r.asked <- struct{}{}:
	default:
	}
	<-r.release
	return 0, io.EOF
}

// A file part whose delimiter has arrived is copied whole without waiting
// for more of the body (the next parts, which a client may send later).
func TestFormReaderFinishesAPartWithoutWaitingForTheNext(t *testing.T) {
	content := strings.Repeat("c", 10000)
	body := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x\"\r\n\r\n" + content +
		"\r\n--b\r\nContent-Disposition: form-data; name=\"later\"\r\n"
	r := &pausingReader{data: []byte(body), asked: make(chan struct{}, 1), release: make(chan struct{})}
	released := false
	release := func() {
		if !released {
			released = true
			close(r.release)
		}
	}
	t.Cleanup(release)
	fr := newFormReader(r, "b")
	p, err := fr.NextPart()
	require.NoError(t, err)
	type copied struct {
		data []byte
		err  error
	}
	done := make(chan copied, 1)
	go func() {
		w := &sizesWriter{}
		_, err := (&Server{}).copyToFile(w, p.content, int64(len(content)+1))
		done <- copied{w.data, err}
	}()
	select {
	case c := <-done:
		require.NoError(t, c.err)
		require.Equal(t, content, string(c.data))
	case <-r.asked:
		release()
		c := <-done
		t.Fatalf("the copy of a part whose end had arrived read on (then copied %d bytes, %v)", len(c.data), c.err)
	}
}

// BenchmarkFormContent copies the content of a 64 MiB file part as an
// upload does (copyToFile), read with mime/multipart alone (the reader
// before formReader) and with formReader; CPU per GiB is ns/op × 16.
func BenchmarkFormContent(b *testing.B) {
	const size = 64 << 20
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	pw, err := mw.CreateFormFile("file", "x.bin")
	require.NoError(b, err)
	block := make([]byte, 1<<20)
	_, _ = rand.Read(block)
	for range size >> 20 {
		block[0]++
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
