package server

import (
	"bytes"
	"crypto/sha256"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/seed-f3fa2c9d/azsessions/internal/heapwatch"
	"github.com/seed-f3fa2c9d/azsessions/internal/pattern"
	"github.com/stretchr/testify/require"
)

// TestLargeFileStreams uploads and downloads 1 GiB, generated on the fly,
// and checks the heap never grows by 64 MiB: files stream between the
// connection and the disk.
func TestLargeFileStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("1 GiB transfer skipped under -short")
	}
	const size = int64(1 << 30)
	const limit = 64 << 20
	e := newEnv(t, func(c *Config) { c.MaxUploadBytes = 2 << 30 })

	// Upload: a multipart body produced by a goroutine into a pipe.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	sent := sha256.New()
	go func() {
		part, err := mw.CreateFormFile("file", "big.bin")
		if err == nil {
			_, err = io.Copy(part, io.TeeReader(pattern.NewReader(size), sent))
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	w := heapwatch.Start()
	q := url.Values{"api-version": {testVersion}, "identifier": {"big"}}
	hr, err := http.NewRequest(http.MethodPost, e.http.URL+"/files?"+q.Encode(), pr)
	require.NoError(t, err)
	hr.Header.Set("Authorization", "Bearer x")
	hr.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := e.http.Client().Do(hr)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	up := w.Growth()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.Contains(t, string(body), `"sizeInBytes":`+itoa(size))

	// Download, hashing as it arrives.
	w = heapwatch.Start()
	hr, err = http.NewRequest(http.MethodGet, e.http.URL+"/files/big.bin/content?"+q.Encode(), nil)
	require.NoError(t, err)
	hr.Header.Set("Authorization", "Bearer x")
	resp, err = e.http.Client().Do(hr)
	require.NoError(t, err)
	got := sha256.New()
	n, err := io.Copy(got, resp.Body)
	resp.Body.Close()
	down := w.Growth()
	require.NoError(t, err)
	require.Equal(t, size, n)
	require.True(t, bytes.Equal(sent.Sum(nil), got.Sum(nil)), "the downloaded bytes differ")
	t.Logf("%d MiB: heap growth upload %d KiB, download %d KiB", size>>20, up>>10, down>>10)
	require.Less(t, up, uint64(limit), "upload heap growth")
	require.Less(t, down, uint64(limit), "download heap growth")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
