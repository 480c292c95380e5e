package azsessions_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/pattern"
)

// slowPatternReader is pattern.Reader with a pause on every read, like a disk:
// it keeps net/http's writer busy long after the server has answered.
type slowPatternReader struct{ *pattern.Reader }

func (s slowPatternReader) Read(p []byte) (int, error) {
	time.Sleep(20 * time.Microsecond)
	return s.Reader.Read(p)
}

// patternBytes returns the first size bytes of the pattern.
func patternBytes(size int64) []byte {
	b := make([]byte, size)
	_, _ = io.ReadFull(pattern.NewReader(size), b)
	return b
}

// earlyAnswerServer answers the first two requests at once with 503, without
// reading their bodies, and checks what check reads of the third byte for
// byte against want: the retry that follows an early answer must not share
// the body with the abandoned try that net/http is still writing.
func earlyAnswerServer(t *testing.T, http2 bool, want []byte, check func(r *http.Request) ([]byte, error)) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var tries atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) <= 2 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		got, err := check(r)
		if err != nil {
			t.Errorf("server: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if !bytes.Equal(got, want) {
			t.Errorf("server: the retried body differs from what the caller sent (%d bytes, want %d)", len(got), len(want))
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"name":"big.bin","type":"file","sizeInBytes":1}`))
	}))
	srv.EnableHTTP2 = http2
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, &tries
}

func earlyAnswerClient(t *testing.T, srv *httptest.Server) *azsessions.Client {
	t.Helper()
	opts := &azsessions.ClientOptions{}
	opts.Transport = srv.Client()
	opts.Retry.RetryDelay = time.Millisecond
	opts.Retry.MaxRetryDelay = 10 * time.Millisecond
	c, err := azsessions.NewClient(srv.URL+poolPath, &scopeCredential{}, opts)
	require.NoError(t, err)
	return c
}

func TestUploadRetryAfterEarlyAnswerSendsTheSameBytes(t *testing.T) {
	const size = 4 << 20
	for _, proto := range []struct {
		name  string
		http2 bool
	}{{"HTTP/1.1", false}, {"HTTP/2", true}} {
		t.Run(proto.name, func(t *testing.T) {
			srv, tries := earlyAnswerServer(t, proto.http2, patternBytes(size), func(r *http.Request) ([]byte, error) {
				f, _, err := r.FormFile("file")
				if err != nil {
					return nil, err
				}
				defer f.Close()
				return io.ReadAll(f)
			})
			files := earlyAnswerClient(t, srv).NewFilesClient()
			for range 3 {
				tries.Store(0)
				_, err := files.Upload(context.Background(), "s1", "big.bin", slowPatternReader{pattern.NewReader(size)}, nil)
				require.NoError(t, err)
				require.EqualValues(t, 3, tries.Load(), "two early answers, then the upload")
			}
		})
	}
}

func TestSendRetryAfterEarlyAnswerSendsTheSameBytes(t *testing.T) {
	const size = 1 << 20
	srv, tries := earlyAnswerServer(t, true, patternBytes(size), func(r *http.Request) ([]byte, error) {
		return io.ReadAll(r.Body)
	})
	containers := earlyAnswerClient(t, srv).NewContainerClient()
	resp, err := containers.Send(context.Background(), "s1", http.MethodPut, "/blob", slowPatternReader{pattern.NewReader(size)}, nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.EqualValues(t, 3, tries.Load(), "two early answers, then the request")
}

// TestExecuteRetryAfterEarlyAnswerSendsTheSameCode: an execution is retried
// after a 503, which a front door sends before it reads the body; the code
// of a large execution (its JSON body is above the size the SDK sends in
// one write) must reach the service exactly as the caller wrote it. The
// body was shared between the abandoned try, still being written, and the
// retry: a chunk of the code went missing or moved.
func TestExecuteRetryAfterEarlyAnswerSendsTheSameCode(t *testing.T) {
	code := hex.EncodeToString(patternBytes(1 << 20))
	for _, proto := range []struct {
		name  string
		http2 bool
	}{{"HTTP/1.1", false}, {"HTTP/2", true}} {
		t.Run(proto.name, func(t *testing.T) {
			srv, tries := earlyAnswerServer(t, proto.http2, []byte(code), func(r *http.Request) ([]byte, error) {
				var body struct {
					Code string `json:"code"`
				}
				err := json.NewDecoder(r.Body).Decode(&body)
				return []byte(body.Code), err
			})
			exec := earlyAnswerClient(t, srv).NewExecutionClient()
			for range 3 {
				tries.Store(0)
				_, err := exec.Execute(context.Background(), "s1", azsessions.NewCodeRequest(code), nil)
				require.NoError(t, err)
				require.EqualValues(t, 3, tries.Load(), "two early answers, then the execution")
			}
		})
	}
}

// TestNilPointerBodiesDoNotPanic: a body that is an interface holding a
// nil pointer (a *bytes.Reader never set) is refused by Upload with
// ErrInvalidArgument before any request, as a nil body is, and sent by
// ContainerClient.Send as no body, as nil is; both panicked in Seek.
func TestNilPointerBodiesDoNotPanic(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusNoContent, nil), nil)
	var none *bytes.Reader
	_, err := c.NewFilesClient().Upload(context.Background(), "s1", "a.txt", none, nil)
	require.ErrorIs(t, err, azsessions.ErrInvalidArgument)
	require.ErrorContains(t, err, "body is nil")
	require.Empty(t, srv.requests(), "a refused upload is not sent")

	resp, err := c.NewContainerClient().Send(context.Background(), "s1", http.MethodPost, "/run", none, nil)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	sent := srv.last(t)
	require.Empty(t, sent.Body)
	require.Equal(t, http.MethodPost, sent.Method)
}
