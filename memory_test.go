package azsessions_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/heapwatch"
	"github.com/seed-f3fa2c9d/azsessions/internal/pattern"
)

// TestMemoryStreaming uploads and then downloads 1 GiB generated on the fly
// through the SDK and checks that neither direction buffers the file: the
// heap in use may not grow by more than 64 MiB over its baseline at any
// sample. Both ends hash the bytes, so the file is also checked to arrive
// intact. There is no timing assertion.
func TestMemoryStreaming(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 2 GiB over loopback TLS; skipped under -short")
	}
	const (
		size      = 1 << 30
		maxGrowth = 64 << 20
		name      = "big.bin"
	)

	want := sha256.New()
	if _, err := io.Copy(want, pattern.NewReader(size)); err != nil {
		t.Fatal(err)
	}
	wantSum := hex.EncodeToString(want.Sum(nil))

	var (
		mu        sync.Mutex
		uploadSum string
	)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /files", func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		n, err := readUpload(r, name, h)
		if err != nil {
			t.Errorf("server: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		uploadSum = hex.EncodeToString(h.Sum(nil))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"name":%q,"type":"file","sizeInBytes":%d}`, name, n)
	})
	mux.HandleFunc("GET /files/{name}/content", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(size))
		_, _ = io.Copy(w, pattern.NewReader(size))
	})
	srv := httptest.NewTLSServer(mux)
	defer srv.Close()

	opts := &azsessions.ClientOptions{}
	opts.Transport = srv.Client()
	client, err := azsessions.NewClient(srv.URL, staticCredential{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	files := client.NewFilesClient()
	ctx := context.Background()

	// Warm the connection up so that the TLS handshake's allocations are in
	// the baseline, not in the growth.
	if _, err := files.Upload(ctx, "mem", name, bytes.NewReader(nil), nil); err != nil {
		t.Fatal(err)
	}

	heap := heapwatch.Start()
	stopped := false
	growth := func() uint64 {
		if stopped {
			return 0
		}
		stopped = true
		return heap.Growth()
	}
	defer growth()

	start := time.Now()
	up, err := files.Upload(ctx, "mem", name, pattern.NewReader(size), nil)
	if err != nil {
		t.Fatal(err)
	}
	if up.SizeInBytes == nil || *up.SizeInBytes != size {
		t.Errorf("upload: service saw %v bytes, want %d", up.SizeInBytes, size)
	}
	upTime := time.Since(start)

	start = time.Now()
	down, err := files.Download(ctx, "mem", name, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := sha256.New()
	n, err := io.Copy(got, down.Body)
	down.Body.Close()
	downTime := time.Since(start)
	grew := growth()
	if err != nil {
		t.Fatal(err)
	}

	mu.Lock()
	defer mu.Unlock()
	if uploadSum != wantSum {
		t.Errorf("upload: server hashed %s, generator %s", uploadSum, wantSum)
	}
	if n != size {
		t.Errorf("download: got %d bytes, want %d", n, size)
	}
	if gotSum := hex.EncodeToString(got.Sum(nil)); gotSum != wantSum {
		t.Errorf("download: client hashed %s, generator %s", gotSum, wantSum)
	}
	t.Logf("upload %v (%.0f MB/s), download %v (%.0f MB/s); heap growth %.1f MiB",
		upTime.Round(time.Millisecond), size/upTime.Seconds()/1e6, downTime.Round(time.Millisecond), size/downTime.Seconds()/1e6,
		float64(grew)/(1<<20))
	if grew >= maxGrowth {
		t.Errorf("heap in use grew by %.1f MiB while moving 1 GiB, want under %d MiB: something buffers the file", float64(grew)/(1<<20), maxGrowth>>20)
	}
}
