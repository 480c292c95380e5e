package azsessions_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// readUpload parses a multipart upload the way the service does.
func parseUploadRequest(t *testing.T, r seenRequest) (fileName, contentType string, data []byte) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/form-data", mt)
	mr := multipart.NewReader(bytes.NewReader(r.Body), params["boundary"])
	part, err := mr.NextPart()
	require.NoError(t, err)
	require.Equal(t, "file", part.FormName())
	data, err = io.ReadAll(part)
	require.NoError(t, err)
	_, err = mr.NextPart()
	require.ErrorIs(t, err, io.EOF, "one part only")
	return part.FileName(), part.Header.Get("Content-Type"), data
}

func TestUploadStreamsAMultipartFile(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "files/upload.json")), nil)
	content := "name: test\n\x00\xff binary"
	body := strings.NewReader("SKIPPED" + content)
	_, _ = body.Seek(7, io.SeekStart)
	resp, err := c.NewFilesClient().Upload(context.Background(), "s1", "testfile.yaml", body, &azsessions.FilesClientUploadOptions{
		Path:        ptr("level1/level2"),
		ContentType: ptr("application/yaml"),
	})
	require.NoError(t, err)
	got := srv.last(t)
	require.Equal(t, "/files", got.Path)
	require.Equal(t, "level1/level2", got.Query["path"][0])
	name, ct, data := parseUploadRequest(t, got)
	require.Equal(t, "testfile.yaml", name)
	require.Equal(t, "application/yaml", ct)
	require.Equal(t, content, string(data), "the body is read from its current position")
	require.Equal(t, strconv.Itoa(len(got.Body)), got.Header.Get("Content-Length"))

	require.Equal(t, "testfile.yaml", *resp.Name)
	require.Equal(t, azsessions.FileTypeFile, *resp.Type)
	require.Equal(t, int64(4), *resp.SizeInBytes)
	require.Equal(t, "level1/level2", *resp.Directory)
	require.Equal(t, time.Date(2024, 5, 29, 2, 17, 25, 902000000, time.UTC), *resp.LastModifiedAt)
}

func TestUploadRetryResendsTheSameBytes(t *testing.T) {
	var tries atomic.Int32
	c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) == 1 {
			reply(http.StatusServiceUnavailable, nil)(w, r)
			return
		}
		reply(http.StatusOK, testdata(t, "files/upload.json"))(w, r)
	}, nil)
	_, err := c.NewFilesClient().Upload(context.Background(), "s1", "a.bin", bytes.NewReader(bytes.Repeat([]byte{1, 2, 3}, 100000)), nil)
	require.NoError(t, err)
	reqs := srv.requests()
	require.Len(t, reqs, 2)
	_, _, first := parseUploadRequest(t, reqs[0])
	_, _, second := parseUploadRequest(t, reqs[1])
	require.Len(t, first, 300000)
	require.Equal(t, first, second)
}

func TestFileNamesRoundTrip(t *testing.T) {
	names := []string{"with space.txt", "ünïcødé-文件.csv", "hash#tag.md", "100%.txt", "a&b=c.txt", "plus+sign.txt", "semi;colon,@$^().txt", "?.txt"}
	c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/content") {
			reply(http.StatusOK, []byte("x"), "Content-Type", "text/plain")(w, r)
			return
		}
		if r.Method == http.MethodDelete {
			reply(http.StatusNoContent, nil)(w, r)
			return
		}
		reply(http.StatusOK, testdata(t, "files/upload.json"))(w, r)
	}, nil)
	files := c.NewFilesClient()
	ctx := context.Background()
	for _, name := range names {
		_, err := files.Upload(ctx, "s1", name, strings.NewReader("x"), nil)
		require.NoError(t, err)
		gotName, _, _ := parseUploadRequest(t, srv.last(t))
		require.Equal(t, name, gotName)

		_, err = files.Get(ctx, "s1", name, nil)
		require.NoError(t, err)
		dl, err := files.Download(ctx, "s1", name, nil)
		require.NoError(t, err)
		require.NoError(t, dl.Body.Close())
		_, err = files.Delete(ctx, "s1", name, nil)
		require.NoError(t, err)
	}
	for _, r := range srv.requests() {
		if r.Method == http.MethodPost {
			continue
		}
		require.True(t, strings.HasPrefix(r.RawPath, poolPath+"/files/"), r.RawPath)
		rest := strings.TrimPrefix(r.RawPath, poolPath+"/files/")
		rest = strings.TrimSuffix(rest, "/content")
		require.NotContains(t, rest, "/", "the name is one escaped segment")
		require.NotContains(t, rest, "#")
		require.NotContains(t, rest, "?")
	}
	// The server saw each name intact after unescaping.
	seen := map[string]bool{}
	for _, r := range srv.requests() {
		if r.Method == http.MethodGet && !strings.HasSuffix(r.Path, "/content") {
			seen[unescapePath(t, strings.TrimPrefix(r.Path, "/files/"))] = true
		}
	}
	for _, name := range names {
		require.True(t, seen[name], name)
	}
}

func TestListFilesFollowsNextLink(t *testing.T) {
	page2 := func(r *http.Request) bool { return r.URL.Query().Get("page") == "2" }
	c, srv := newRecordedClient(t, twoPages(t, page2, "files/list_page1.json", "files/list_page2.json", "/files?path=sub&page=2"), nil)
	pager := c.NewFilesClient().NewListPager("s1", &azsessions.FilesClientListOptions{Path: ptr("sub"), Recursive: ptr(true)})
	var names []string
	var types []azsessions.FileType
	for pager.More() {
		page, err := pager.NextPage(context.Background())
		require.NoError(t, err)
		for _, f := range page.Value {
			names = append(names, *f.Name)
			types = append(types, *f.Type)
		}
	}
	require.Equal(t, []string{"a.txt", "sub", "b.csv"}, names)
	require.Equal(t, []azsessions.FileType{azsessions.FileTypeFile, azsessions.FileTypeDirectory, azsessions.FileTypeFile}, types)
	reqs := srv.requests()
	require.Len(t, reqs, 2)
	require.Equal(t, "true", reqs[0].Query["recursive"][0])
	require.Equal(t, "sub", reqs[0].Query["path"][0])
	require.Equal(t, "2025-10-02-preview", reqs[1].Query["api-version"][0], "api-version is added to a nextLink without one")
	require.Equal(t, "s1", reqs[1].Query["identifier"][0], "so is the identifier")
	require.Equal(t, "Bearer test-token", reqs[1].Header.Get("Authorization"))
}

func TestListFilesEmptyAndForeignNextLink(t *testing.T) {
	c, _ := newRecordedClient(t, reply(http.StatusOK, testdata(t, "files/list_empty.json")), nil)
	pager := c.NewFilesClient().NewListPager("s1", nil)
	page, err := pager.NextPage(context.Background())
	require.NoError(t, err)
	require.Empty(t, page.Value)
	require.False(t, pager.More())

	c, srv := newRecordedClient(t, reply(http.StatusOK, bytes.Replace(testdata(t, "files/list_page1.json"), []byte("NEXTLINK"), []byte("https://elsewhere.example.com/files"), 1)), nil)
	pager = c.NewFilesClient().NewListPager("s1", nil)
	_, err = pager.NextPage(context.Background())
	require.NoError(t, err)
	_, err = pager.NextPage(context.Background())
	require.ErrorIs(t, err, azsessions.ErrUntrustedURL)
	require.Len(t, srv.requests(), 1, "the token never goes to another host")
}

func TestDownloadIsByteExactAndStreams(t *testing.T) {
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = byte(i * 7)
	}
	c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Last-Modified", "Wed, 29 May 2024 02:17:25 GMT")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		_, _ = w.Write(data)
	}, nil)
	resp, err := c.NewFilesClient().Download(context.Background(), "s1", "blob.bin", &azsessions.FilesClientDownloadOptions{Path: ptr("out")})
	require.NoError(t, err)
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, data, got)
	require.Equal(t, int64(len(data)), *resp.ContentLength)
	require.Equal(t, "application/octet-stream", *resp.ContentType)
	require.Equal(t, time.Date(2024, 5, 29, 2, 17, 25, 0, time.UTC), resp.LastModified.UTC())
	require.Equal(t, "/files/blob.bin/content", srv.last(t).Path)
	require.Equal(t, "out", srv.last(t).Query["path"][0])
}

// io.Copy of a download (into a file, say) reads the body in blocks of
// 256 KiB, not io.Copy's 32 KiB, and hands them on in writes of 32 KiB,
// the size whose page cache a Linux VM serves fastest.
func TestDownloadCopiesInLargeBlocks(t *testing.T) {
	data := make([]byte, 1<<20+5)
	for i := range data {
		data[i] = byte(i * 7)
	}
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		for rest := data; len(rest) > 0; rest = rest[min(len(rest), 1000):] {
			_, _ = w.Write(rest[:min(len(rest), 1000)]) // arriving in small pieces
		}
	}, nil)
	resp, err := c.NewFilesClient().Download(context.Background(), "s1", "blob.bin", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Implements(t, (*io.WriterTo)(nil), resp.Body, "io.Copy hands the copy to the body")
	var out writeSizes
	n, err := io.Copy(&out, resp.Body)
	require.NoError(t, err)
	require.Equal(t, int64(len(data)), n)
	require.Equal(t, data, out.buf.Bytes())
	for i, size := range out.sizes {
		require.Equal(t, min(32<<10, len(data)-i*(32<<10)), size, "write %d", i)
	}
}

// writeSizes records what it is written and the size of each write.
type writeSizes struct {
	buf   bytes.Buffer
	sizes []int
}

func (w *writeSizes) Write(p []byte) (int, error) {
	w.sizes = append(w.sizes, len(p))
	return w.buf.Write(p)
}

func TestDownloadConnectionLostMidFile(t *testing.T) {
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000000")
		_, _ = w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}, nil)
	resp, err := c.NewFilesClient().Download(context.Background(), "s1", "big.bin", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out writeSizes
	n, err := io.Copy(&out, resp.Body)
	require.ErrorIs(t, err, io.ErrUnexpectedEOF, "a short body is an error, never silent truncation")
	require.Equal(t, int64(1000), n, "what arrived before the loss is written")
	require.Equal(t, 1000, out.buf.Len())
}

func TestFileErrors(t *testing.T) {
	c, _ := newRecordedClient(t, reply(http.StatusNotFound, []byte(`{"error":{"code":"FileNotFound","message":"no such file"}}`)), nil)
	_, err := c.NewFilesClient().Download(context.Background(), "s1", "missing.txt", nil)
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusNotFound, re.StatusCode)
	require.Equal(t, "FileNotFound", re.ErrorCode)
	require.Contains(t, err.Error(), "no such file")

	c, _ = newRecordedClient(t, reply(http.StatusRequestEntityTooLarge, nil), nil)
	_, err = c.NewFilesClient().Upload(context.Background(), "s1", "big.bin", strings.NewReader("x"), nil)
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusRequestEntityTooLarge, re.StatusCode)
}

func TestUploadBodyThatFailsToSeek(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, nil), nil)
	_, err := c.NewFilesClient().Upload(context.Background(), "s1", "a", brokenSeeker{}, nil)
	require.ErrorIs(t, err, azsessions.ErrInvalidArgument)
	require.Empty(t, srv.requests())
}

func TestUploadReaderPastItsEndSendsAnEmptyFile(t *testing.T) {
	var got []byte
	var parts int
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		f, _, err := r.FormFile("file")
		if err != nil {
			reply(http.StatusBadRequest, nil)(w, r)
			return
		}
		parts++
		got, _ = io.ReadAll(f)
		reply(http.StatusOK, testdata(t, "files/upload.json"))(w, r)
	}, nil)
	body := strings.NewReader("0123456789")
	_, err := body.Seek(100, io.SeekStart)
	require.NoError(t, err)
	_, err = c.NewFilesClient().Upload(context.Background(), "s1", "a.txt", body, nil)
	require.NoError(t, err)
	require.Equal(t, 1, parts, "a well-formed multipart body")
	require.Empty(t, got)
}

type brokenSeeker struct{}

func (brokenSeeker) Read([]byte) (int, error)       { return 0, io.EOF }
func (brokenSeeker) Seek(int64, int) (int64, error) { return 0, net.ErrClosed }
