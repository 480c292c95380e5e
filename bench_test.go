package azsessions_test

// Benchmarks of the SDK against a minimal hand-written net/http client doing
// the same work over the same loopback TLS server. See docs/benchmarks.md.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/pattern"
)

const (
	benchToken      = "bench-token"
	benchIdentifier = "bench-session"
	benchAPIVersion = "2025-10-02-preview"
	benchFileName   = "payload.bin"
	benchFileSize   = 64 << 20
	benchCode       = "print(1)"
)

// staticCredential is an azcore.TokenCredential returning a fixed token that
// never needs refreshing.
type staticCredential struct{}

func (staticCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: benchToken, ExpiresOn: time.Now().Add(24 * time.Hour)}, nil
}

// Recorded-style execution response.
var (
	executeResponseBody    = []byte(`{"id":"3f6c1a52-8d55-4d8e-a0a6-0c1f2f9e5b21","identifier":"bench-session","executionType":"Synchronous","status":"Succeeded","result":{"stdout":"1\n","stderr":"","executionResult":"","executionTimeInMilliseconds":4}}`)
	executeResponseHeaders = map[string]string{
		"Content-Type":                      "application/json; charset=utf-8",
		"Operation-Id":                      "3f6c1a52-8d55-4d8e-a0a6-0c1f2f9e5b21",
		"X-Ms-Execution-Request-Time":       "12",
		"X-Ms-Execution-Read-Response-Time": "1",
		"X-Ms-Total-Execution-Service-Time": "15.000000",
		"X-Ms-Container-Execution-Duration": "4",
		"X-Ms-Preparation-Time":             "0",
		"X-Ms-Allocation-Time":              "2",
		"X-Ms-Overall-Execution-Time":       "17",
		"X-Ms-Allocation-Retries":           "0",
		"X-Ms-New-Allocation":               "false",
		"X-Ms-Session-Guid":                 "5b0e8d3e-52c4-4c2b-9f45-3d1e1c0b6a77",
	}
)

// benchServer is the loopback TLS server both sides of every benchmark talk
// to. Handler failures are reported on tb and answered with HTTP 400, which
// also fails the client.
type benchServer struct {
	srv      *httptest.Server
	fileSize int64
}

func newBenchServer(tb testing.TB, fileSize int64) *benchServer {
	tb.Helper()
	s := &benchServer{fileSize: fileSize}
	fail := func(w http.ResponseWriter, format string, args ...any) {
		tb.Errorf("server: "+format, args...)
		http.Error(w, fmt.Sprintf(format, args...), http.StatusBadRequest)
	}
	mux := http.NewServeMux()
	check := func(w http.ResponseWriter, r *http.Request) bool {
		q := r.URL.Query()
		switch {
		case r.Header.Get("Authorization") != "Bearer "+benchToken:
			fail(w, "Authorization %q", r.Header.Get("Authorization"))
		case q.Get("api-version") != benchAPIVersion:
			fail(w, "api-version %q", q.Get("api-version"))
		case q.Get("identifier") != benchIdentifier:
			fail(w, "identifier %q", q.Get("identifier"))
		default:
			return true
		}
		return false
	}
	mux.HandleFunc("POST /executions", func(w http.ResponseWriter, r *http.Request) {
		if !check(w, r) {
			return
		}
		var req struct {
			CodeInputType string `json:"codeInputType"`
			ExecutionType string `json:"executionType"`
			Code          string `json:"code"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			fail(w, "decoding the execution request: %v", err)
			return
		}
		if req.CodeInputType != "Inline" || req.ExecutionType != "Synchronous" || req.Code != benchCode {
			fail(w, "unexpected execution request %+v", req)
			return
		}
		h := w.Header()
		for k, v := range executeResponseHeaders {
			h[k] = []string{v}
		}
		h["Content-Length"] = []string{strconv.Itoa(len(executeResponseBody))}
		_, _ = w.Write(executeResponseBody)
	})
	mux.HandleFunc("POST /files", func(w http.ResponseWriter, r *http.Request) {
		if !check(w, r) {
			return
		}
		n, err := readUpload(r, benchFileName, nil)
		if err != nil {
			fail(w, "%v", err)
			return
		}
		if n != s.fileSize {
			fail(w, "received %d bytes, want %d", n, s.fileSize)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"name":%q,"type":"file","contentType":"application/octet-stream","sizeInBytes":%d,"lastModifiedAt":"2026-11-26T00:00:00Z"}`, benchFileName, n)
	})
	mux.HandleFunc("GET /files/{name}/content", func(w http.ResponseWriter, r *http.Request) {
		if !check(w, r) {
			return
		}
		if r.PathValue("name") != benchFileName {
			fail(w, "file name %q", r.PathValue("name"))
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(s.fileSize, 10))
		_, _ = io.Copy(w, pattern.NewReader(s.fileSize))
	})
	s.srv = httptest.NewTLSServer(mux)
	tb.Cleanup(s.srv.Close)
	return s
}

// readUpload reads the multipart body of an upload to its end, copies its
// only part, the "file" field holding fileName, to sink (io.Discard when nil)
// and returns the size of that part.
func readUpload(r *http.Request, fileName string, sink io.Writer) (int64, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return 0, fmt.Errorf("not a multipart body: %v", err)
	}
	if sink == nil {
		sink = io.Discard
	}
	var n int64 = -1
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("reading the multipart body: %v", err)
		}
		if part.FormName() != "file" || part.FileName() != fileName || n >= 0 {
			return 0, fmt.Errorf("unexpected part %q (file name %q)", part.FormName(), part.FileName())
		}
		if n, err = io.Copy(sink, part); err != nil {
			return 0, fmt.Errorf("reading the file part: %v", err)
		}
	}
	if n < 0 {
		return 0, errors.New("no file part")
	}
	return n, nil
}

// sdkClient returns an SDK client for s with default retries.
func (s *benchServer) sdkClient(tb testing.TB) *azsessions.Client {
	tb.Helper()
	opts := &azsessions.ClientOptions{}
	opts.Transport = s.srv.Client()
	c, err := azsessions.NewClient(s.srv.URL, staticCredential{}, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func (s *benchServer) rawRequest(method, path, query string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequest(method, s.srv.URL+path+"?api-version="+benchAPIVersion+"&identifier="+benchIdentifier+query, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+benchToken)
	req.Header.Set("Accept", "application/json")
	return req, nil
}

// ---- Execute ----

func benchExecuteSDK(b *testing.B, s *benchServer) {
	exec := s.sdkClient(b).NewExecutionClient()
	ctx := context.Background()
	req := azsessions.NewCodeRequest(benchCode)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := exec.Execute(ctx, benchIdentifier, req, nil)
		if err != nil {
			b.Fatal(err)
		}
		if !resp.Succeeded() || resp.Result == nil || resp.Result.Stdout == nil || *resp.Result.Stdout != "1\n" ||
			resp.Metrics.OverallExecutionTime == nil || *resp.Metrics.OverallExecutionTime != 17*time.Millisecond {
			b.Fatalf("unexpected response %+v", resp)
		}
	}
}

// rawExecution is what the hand-written client decodes.
type rawExecution struct {
	ID            string `json:"id"`
	Identifier    string `json:"identifier"`
	ExecutionType string `json:"executionType"`
	Status        string `json:"status"`
	Result        struct {
		Stdout                      string `json:"stdout"`
		Stderr                      string `json:"stderr"`
		ExecutionResult             any    `json:"executionResult"`
		ExecutionTimeInMilliseconds int64  `json:"executionTimeInMilliseconds"`
	} `json:"result"`
	Timings [7]time.Duration
}

var rawTimingHeaders = [7]string{
	"X-Ms-Execution-Request-Time", "X-Ms-Execution-Read-Response-Time", "X-Ms-Total-Execution-Service-Time",
	"X-Ms-Container-Execution-Duration", "X-Ms-Preparation-Time", "X-Ms-Allocation-Time", "X-Ms-Overall-Execution-Time",
}

// rawExecutionRequest is what the hand-written client sends.
type rawExecutionRequest struct {
	CodeInputType string `json:"codeInputType"`
	ExecutionType string `json:"executionType"`
	Code          string `json:"code"`
}

func rawExecute(client *http.Client, s *benchServer) (rawExecution, error) {
	var out rawExecution
	body, err := json.Marshal(rawExecutionRequest{CodeInputType: "Inline", ExecutionType: "Synchronous", Code: benchCode})
	if err != nil {
		return out, err
	}
	req, err := s.rawRequest(http.MethodPost, "/executions", "", bytes.NewReader(body))
	if err != nil {
		return out, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return out, err
	}
	defer resp.Body.Close()
	body, err = io.ReadAll(resp.Body)
	if err != nil {
		return out, err
	}
	if resp.StatusCode != http.StatusOK {
		return out, fmt.Errorf("status %d: %s", resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return out, err
	}
	for i, h := range rawTimingHeaders {
		ms, err := strconv.ParseFloat(resp.Header.Get(h), 64)
		if err == nil {
			out.Timings[i] = time.Duration(ms * float64(time.Millisecond))
		}
	}
	return out, nil
}

func benchExecuteRaw(b *testing.B, s *benchServer) {
	client := s.srv.Client()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		out, err := rawExecute(client, s)
		if err != nil {
			b.Fatal(err)
		}
		if out.Status != "Succeeded" || out.Result.Stdout != "1\n" || out.Timings[6] != 17*time.Millisecond {
			b.Fatalf("unexpected response %+v", out)
		}
	}
}

// BenchmarkExecute compares ExecutionClient.Execute with a hand-written
// POST /executions over the same loopback TLS server.
func BenchmarkExecute(b *testing.B) {
	s := newBenchServer(b, 0)
	b.Run("sdk", func(b *testing.B) { benchExecuteSDK(b, s) })
	b.Run("raw", func(b *testing.B) { benchExecuteRaw(b, s) })
	b.Run("paired", func(b *testing.B) { benchExecutePaired(b, s) })
}

// benchExecutePaired alternates one SDK call and one raw call per op and
// reports the ratio of their summed times as "sdk/raw". Both sides see the
// same moments of the machine, so a noisy neighbour slows both alike: the
// ratio is steadier than one taken from two separate benchmarks.
func benchExecutePaired(b *testing.B, s *benchServer) {
	exec := s.sdkClient(b).NewExecutionClient()
	client := s.srv.Client()
	ctx := context.Background()
	req := azsessions.NewCodeRequest(benchCode)
	var sdk, raw time.Duration
	timeSDK := func() {
		start := time.Now()
		if _, err := exec.Execute(ctx, benchIdentifier, req, nil); err != nil {
			b.Fatal(err)
		}
		sdk += time.Since(start)
	}
	timeRaw := func() {
		start := time.Now()
		if _, err := rawExecute(client, s); err != nil {
			b.Fatal(err)
		}
		raw += time.Since(start)
	}
	b.ResetTimer()
	sdkFirst := true
	for b.Loop() {
		// Alternate the order so that neither side always follows the other.
		if sdkFirst {
			timeSDK()
			timeRaw()
		} else {
			timeRaw()
			timeSDK()
		}
		sdkFirst = !sdkFirst
	}
	b.ReportMetric(float64(sdk)/float64(raw), "sdk/raw")
	b.ReportMetric(float64(sdk.Nanoseconds())/float64(b.N), "sdk-ns/op")
	b.ReportMetric(float64(raw.Nanoseconds())/float64(b.N), "raw-ns/op")
}

// ---- Upload ----

func benchUploadSDK(b *testing.B, s *benchServer) {
	files := s.sdkClient(b).NewFilesClient()
	ctx := context.Background()
	body := pattern.NewReader(s.fileSize)
	b.SetBytes(s.fileSize)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := body.Seek(0, io.SeekStart); err != nil {
			b.Fatal(err)
		}
		resp, err := files.Upload(ctx, benchIdentifier, benchFileName, body, nil)
		if err != nil {
			b.Fatal(err)
		}
		if resp.SizeInBytes == nil || *resp.SizeInBytes != s.fileSize {
			b.Fatalf("unexpected response %+v", resp.File)
		}
	}
}

// rawMultipart returns the bytes a multipart/form-data body puts around one
// file part, and the body's content type.
func rawMultipart(fieldName, fileName string) (head, tail []byte, contentType string, err error) {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if _, err := w.CreateFormFile(fieldName, fileName); err != nil {
		return nil, nil, "", err
	}
	head = bytes.Clone(buf.Bytes())
	buf.Reset()
	if err := w.Close(); err != nil {
		return nil, nil, "", err
	}
	return head, bytes.Clone(buf.Bytes()), w.FormDataContentType(), nil
}

func benchUploadRaw(b *testing.B, s *benchServer) {
	client := s.srv.Client()
	head, tail, contentType, err := rawMultipart("file", benchFileName)
	if err != nil {
		b.Fatal(err)
	}
	body := pattern.NewReader(s.fileSize)
	b.SetBytes(s.fileSize)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := body.Seek(0, io.SeekStart); err != nil {
			b.Fatal(err)
		}
		req, err := s.rawRequest(http.MethodPost, "/files", "", io.MultiReader(bytes.NewReader(head), body, bytes.NewReader(tail)))
		if err != nil {
			b.Fatal(err)
		}
		req.ContentLength = int64(len(head)) + s.fileSize + int64(len(tail))
		req.Header.Set("Content-Type", contentType)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var file struct {
			SizeInBytes int64 `json:"sizeInBytes"`
		}
		err = json.NewDecoder(resp.Body).Decode(&file)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || file.SizeInBytes != s.fileSize {
			b.Fatalf("status %d, size %d, err %v", resp.StatusCode, file.SizeInBytes, err)
		}
	}
}

// BenchmarkUpload compares FilesClient.Upload of 64 MiB with a hand-written
// streaming multipart POST of the same bytes.
func BenchmarkUpload(b *testing.B) {
	s := newBenchServer(b, benchFileSize)
	b.Run("sdk", func(b *testing.B) { benchUploadSDK(b, s) })
	b.Run("raw", func(b *testing.B) { benchUploadRaw(b, s) })
}

// ---- Download ----

func benchDownloadSDK(b *testing.B, s *benchServer) {
	files := s.sdkClient(b).NewFilesClient()
	ctx := context.Background()
	b.SetBytes(s.fileSize)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := files.Download(ctx, benchIdentifier, benchFileName, nil)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != s.fileSize {
			b.Fatalf("downloaded %d bytes, err %v", n, err)
		}
	}
}

func benchDownloadRaw(b *testing.B, s *benchServer) {
	client := s.srv.Client()
	b.SetBytes(s.fileSize)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req, err := s.rawRequest(http.MethodGet, "/files/"+benchFileName+"/content", "", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Accept", "*/*")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || n != s.fileSize || resp.StatusCode != http.StatusOK {
			b.Fatalf("status %d, downloaded %d bytes, err %v", resp.StatusCode, n, err)
		}
	}
}

// BenchmarkDownload compares FilesClient.Download of 64 MiB with a
// hand-written GET of the same bytes.
func BenchmarkDownload(b *testing.B) {
	s := newBenchServer(b, benchFileSize)
	b.Run("sdk", func(b *testing.B) { benchDownloadSDK(b, s) })
	b.Run("raw", func(b *testing.B) { benchDownloadRaw(b, s) })
}

// ---- Ratios ----

// TestBenchmarkRatios runs each benchmark's two sides in this process and
// checks the performance targets: Execute sdk ns/op at most 1.3 × raw;
// Upload and Download sdk throughput at least 0.8 × raw. Ratios are noisy on
// shared machines, so it only runs with AZSESSIONS_BENCH_RATIOS=1 and never
// under -short.
func TestBenchmarkRatios(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped under -short")
	}
	if os.Getenv("AZSESSIONS_BENCH_RATIOS") != "1" {
		t.Skip("set AZSESSIONS_BENCH_RATIOS=1 to check the benchmark ratios")
	}
	mbps := func(ns float64, size int64) float64 { return float64(size) / ns * 1e3 }

	t.Run("Execute", func(t *testing.T) {
		s := newBenchServer(t, 0)
		sdk, raw := bestOfRounds(t, s, 5, benchExecuteSDK, benchExecuteRaw)
		ratio := sdk.ns / raw.ns
		// Paired, for information: each op times one SDK call and one raw
		// call, so machine noise hits both alike (but the raw calls then pay
		// for part of the SDK's garbage collection).
		paired := testing.Benchmark(func(b *testing.B) { benchExecutePaired(b, s) })
		t.Logf("sdk %.0f ns/op %d B/op %d allocs/op; raw %.0f ns/op %d B/op %d allocs/op; sdk/raw = %.2f (target <= 1.30); paired sdk/raw = %.2f",
			sdk.ns, sdk.res.AllocedBytesPerOp(), sdk.res.AllocsPerOp(), raw.ns, raw.res.AllocedBytesPerOp(), raw.res.AllocsPerOp(), ratio, paired.Extra["sdk/raw"])
		if ratio > 1.3 {
			t.Errorf("Execute: sdk takes %.2f × raw, want at most 1.30", ratio)
		}
	})
	for _, c := range []struct {
		name     string
		sdk, raw func(*testing.B, *benchServer)
	}{
		{"Upload", benchUploadSDK, benchUploadRaw},
		{"Download", benchDownloadSDK, benchDownloadRaw},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newBenchServer(t, benchFileSize)
			sdk, raw := bestOfRounds(t, s, 3, c.sdk, c.raw)
			ratio := raw.ns / sdk.ns // throughput ratio
			t.Logf("sdk %.1f MB/s %d B/op %d allocs/op; raw %.1f MB/s %d B/op %d allocs/op; sdk/raw throughput = %.2f (target >= 0.80)",
				mbps(sdk.ns, benchFileSize), sdk.res.AllocedBytesPerOp(), sdk.res.AllocsPerOp(),
				mbps(raw.ns, benchFileSize), raw.res.AllocedBytesPerOp(), raw.res.AllocsPerOp(), ratio)
			if ratio < 0.8 {
				t.Errorf("%s: sdk throughput is %.2f × raw, want at least 0.80", c.name, ratio)
			}
		})
	}
}

// roundResult is one side's fastest round.
type roundResult struct {
	ns  float64 // nanoseconds per op
	res testing.BenchmarkResult
}

// bestOfRounds runs the sdk and raw sides of a benchmark alternately, rounds
// times each, and returns each side's fastest round. A neighbour's burst of
// activity on a shared machine only ever adds time, so the fastest round is
// the one closest to the side's own cost, where a mean or a median of
// per-round ratios keeps the noise.
func bestOfRounds(t *testing.T, s *benchServer, rounds int, sdkFn, rawFn func(*testing.B, *benchServer)) (sdk, raw roundResult) {
	t.Helper()
	run := func(fn func(*testing.B, *benchServer), best *roundResult) {
		res := testing.Benchmark(func(b *testing.B) { fn(b, s) })
		if res.N == 0 {
			t.Fatal("the benchmark failed")
		}
		if ns := float64(res.T.Nanoseconds()) / float64(res.N); best.ns == 0 || ns < best.ns {
			*best = roundResult{ns, res}
		}
	}
	for range rounds {
		run(sdkFn, &sdk)
		run(rawFn, &raw)
	}
	return sdk, raw
}
