package server

import (
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/internal/pattern"
)

// An upload is read from the connection and written to disk in large
// blocks, not in multipart.Reader's 4 KiB steps: the test counts the reads
// of the request body and the writes of the file.
func TestUploadsAreReadAndWrittenInLargeBlocks(t *testing.T) {
	const size = 8 << 20
	e := newEnv(t, func(c *Config) { c.MaxUploadBytes = 2 * size })
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", "blocks.bin")
		if err == nil {
			_, err = io.Copy(part, pattern.NewReader(size))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	q := url.Values{"api-version": {testVersion}, "identifier": {"blocks"}}
	hr, err := http.NewRequest(http.MethodPost, e.http.URL+"/files?"+q.Encode(), pr)
	require.NoError(t, err)
	hr.Header.Set("Authorization", "Bearer x")
	hr.Header.Set("Content-Type", mw.FormDataContentType())
	reads0, writes0 := e.srv.stats.bodyReads.Load(), e.srv.stats.fileWrites.Load()
	resp, err := e.http.Client().Do(hr)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	reads, writes := e.srv.stats.bodyReads.Load()-reads0, e.srv.stats.fileWrites.Load()-writes0
	t.Logf("%d MiB: %d body reads, %d file writes", size>>20, reads, writes)
	require.LessOrEqual(t, writes, int64(size/fileWriteSize+1), "file writes")
	require.Less(t, reads, int64(size/(16<<10)), "body reads average at least 16 KiB")
}
