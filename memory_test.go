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
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/seed-f3fa2c9d/azsessions"
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
	if _, err := io.Copy(want, newPatternReader(size)); err != nil {
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
		_, _ = io.Copy(w, newPatternReader(size))
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

	sampler := startHeapSampler(2 * time.Millisecond)

	start := time.Now()
	up, err := files.Upload(ctx, "mem", name, newPatternReader(size), nil)
	if err != nil {
		sampler.stop()
		t.Fatal(err)
	}
	if up.SizeInBytes == nil || *up.SizeInBytes != size {
		t.Errorf("upload: service saw %v bytes, want %d", up.SizeInBytes, size)
	}
	upTime := time.Since(start)

	start = time.Now()
	down, err := files.Download(ctx, "mem", name, nil)
	if err != nil {
		sampler.stop()
		t.Fatal(err)
	}
	got := sha256.New()
	n, err := io.Copy(got, down.Body)
	down.Body.Close()
	downTime := time.Since(start)
	baseline, peak, samples := sampler.stop()
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
	growth := int64(peak) - int64(baseline)
	t.Logf("upload %v (%.0f MB/s), download %v (%.0f MB/s); HeapInuse baseline %.1f MiB, peak %.1f MiB, growth %.1f MiB over %d samples",
		upTime.Round(time.Millisecond), size/upTime.Seconds()/1e6, downTime.Round(time.Millisecond), size/downTime.Seconds()/1e6,
		toMiB(baseline), toMiB(peak), float64(growth)/(1<<20), samples)
	if samples < 10 {
		t.Errorf("only %d heap samples were taken; the measurement is meaningless", samples)
	}
	if growth >= maxGrowth {
		t.Errorf("heap in use grew by %.1f MiB while moving 1 GiB, want under %d MiB: something buffers the file", float64(growth)/(1<<20), maxGrowth>>20)
	}
}

func toMiB(b uint64) float64 { return float64(b) / (1 << 20) }

// heapSampler records the peak of runtime.MemStats.HeapInuse.
type heapSampler struct {
	baseline      uint64
	peak, samples uint64
	done          chan struct{}
	finished      chan struct{}
	once          sync.Once
}

// startHeapSampler collects garbage, takes the baseline, and samples every
// interval until stop.
func startHeapSampler(interval time.Duration) *heapSampler {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := &heapSampler{baseline: ms.HeapInuse, peak: ms.HeapInuse, done: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(s.finished)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			s.samples++
			s.peak = max(s.peak, m.HeapInuse)
			select {
			case <-s.done:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

// stop ends sampling and returns the baseline, the peak and how many samples
// were taken. It may be called more than once.
func (s *heapSampler) stop() (baseline, peak, samples uint64) {
	s.once.Do(func() { close(s.done) })
	<-s.finished
	return s.baseline, s.peak, s.samples
}
