package azsessions_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/heapwatch"
)

// endless answers status with prefix and then "a" forever, until the client
// goes away.
func endless(status int, prefix string) http.HandlerFunc {
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		if _, err := io.WriteString(w, prefix); err != nil {
			return
		}
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}
}

// TestEndlessAnswersKeepMemoryBounded answers with bodies that never end,
// on success and on failure, for every kind of call that reads its answer:
// the heap grows by less than 64 MiB, a success fails with
// ErrResponseTooLarge and a failure is a ResponseError with a short
// excerpt of the body.
func TestEndlessAnswersKeepMemoryBounded(t *testing.T) {
	const maxGrowth = 64 << 20
	calls := map[string]func(context.Context, *azsessions.Client) error{
		"BeginExecute": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewExecutionClient().BeginExecute(ctx, "s1", azsessions.NewCodeRequest("1"), nil)
			return err
		},
	}
	withBody := callsWithABody()
	for _, name := range []string{"ExecutionClient.Execute", "FilesClient.Get", "FilesClient.NewListPager", "SessionsClient.GetPoolMetadata"} {
		calls[name] = withBody[name]
	}
	// Failed answers of streaming calls are read by azcore too.
	failingOnly := map[string]func(context.Context, *azsessions.Client) error{
		"FilesClient.Download": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewFilesClient().Download(ctx, "s1", "f.txt", nil)
			return err
		},
	}
	for _, status := range []int{http.StatusOK, http.StatusInternalServerError, http.StatusBadRequest} {
		for name, call := range calls {
			t.Run(http.StatusText(status)+"/"+name, func(t *testing.T) {
				checkBounded(t, status, call, maxGrowth)
			})
		}
		if status >= 400 {
			for name, call := range failingOnly {
				t.Run(http.StatusText(status)+"/"+name, func(t *testing.T) {
					checkBounded(t, status, call, maxGrowth)
				})
			}
		}
	}
}

func checkBounded(t *testing.T, status int, call func(context.Context, *azsessions.Client) error, maxGrowth int64) {
	t.Helper()
	c, _ := newRecordedClient(t, endless(status, `{"id":"x","status":"Succeeded","result":{"stdout":"`), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	heap := heapwatch.Start()
	err := call(ctx, c)
	growth := int64(heap.Growth())
	require.Error(t, err)
	t.Logf("heap grew by %.1f MiB: %.200s", float64(growth)/(1<<20), err)
	require.Less(t, growth, maxGrowth, "the answer was read without bound")
	require.NoError(t, ctx.Err(), "the call ended only with the test's deadline")
	if status < 300 {
		require.ErrorIs(t, err, azsessions.ErrResponseTooLarge)
		require.Contains(t, err.Error(), "16777216 bytes")
		return
	}
	var re *azcore.ResponseError
	require.True(t, errors.As(err, &re), "want a ResponseError, got %v", err)
	require.Equal(t, status, re.StatusCode)
	require.Less(t, len(err.Error()), 128<<10, "the error keeps an excerpt of the body, not all of it")
	require.Contains(t, err.Error(), "the rest of this response body was not read")
}

// TestSendFailureBodiesAreBounded: ContainerClient.Send returns every
// answer to the caller, but azcore reads a failed one into memory first, so
// past 16 MiB Send fails with ErrResponseTooLarge. Successful answers stream
// without a limit.
func TestSendFailureBodiesAreBounded(t *testing.T) {
	c, _ := newRecordedClient(t, endless(http.StatusInternalServerError, ""), &azsessions.ClientOptions{})
	heap := heapwatch.Start()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	_, err := c.NewContainerClient().Send(ctx, "s1", http.MethodPost, "/run", nil, nil)
	growth := heap.Growth()
	require.ErrorIs(t, err, azsessions.ErrResponseTooLarge)
	require.Less(t, growth, uint64(64<<20))

	c, _ = newRecordedClient(t, endless(http.StatusOK, ""), nil)
	resp, err := c.NewContainerClient().Send(ctx, "s1", http.MethodGet, "/stream", nil, nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	n, err := io.CopyN(io.Discard, resp.Body, 32<<20)
	require.NoError(t, err)
	require.Equal(t, int64(32<<20), n, "a successful Send streams past the JSON limit")
}

// TestLargerOutputCapRaisesTheLimit answers an execution with 17 MiB of
// stdout: too much for the default cap, fine for a cap of 2^20 characters.
func TestLargerOutputCapRaisesTheLimit(t *testing.T) {
	stdout := strings.Repeat("x", 17<<20)
	body := []byte(`{"id":"x","status":"Succeeded","result":{"stdout":"` + stdout + `"}}`)
	c, _ := newRecordedClient(t, reply(http.StatusOK, body), nil)
	exec := c.NewExecutionClient()

	_, err := exec.Execute(context.Background(), "s1", azsessions.NewCodeRequest("1"), nil)
	require.ErrorIs(t, err, azsessions.ErrResponseTooLarge)

	req := azsessions.NewCodeRequest("1")
	req.OutputStreamsMaxLength = ptr[int32](1 << 20)
	resp, err := exec.Execute(context.Background(), "s1", req, nil)
	require.NoError(t, err)
	require.Len(t, *resp.Result.Stdout, len(stdout))
}

// TestGetTakesTheCapTheExecutionRanWith: Get reads a large answer and
// judges truncation with the cap given in its options.
func TestGetTakesTheCapTheExecutionRanWith(t *testing.T) {
	stdout := strings.Repeat("x", 17<<20)
	c, _ := newRecordedClient(t, reply(http.StatusOK, []byte(`{"id":"e1","status":"Succeeded","result":{"stdout":"`+stdout+`"}}`)), nil)
	exec := c.NewExecutionClient()
	_, err := exec.Get(context.Background(), "s1", "e1", nil)
	require.ErrorIs(t, err, azsessions.ErrResponseTooLarge)
	resp, err := exec.Get(context.Background(), "s1", "e1", &azsessions.ExecutionClientGetOptions{OutputStreamsMaxLength: ptr[int32](17 << 20)})
	require.NoError(t, err)
	require.Len(t, *resp.Result.Stdout, len(stdout))
	require.True(t, resp.Result.StdoutTruncated, "output exactly at the given cap was probably cut")
}

// TestShortErrorBodiesAreKeptWhole checks that an ordinary service error
// is not marked as cut.
func TestShortErrorBodiesAreKeptWhole(t *testing.T) {
	c, _ := newRecordedClient(t, reply(http.StatusBadRequest, []byte(`{"error":{"code":"SessionPropertiesMissing","message":"code is required"}}`)), nil)
	_, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("1"), nil)
	require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionPropertiesMissing), "%v", err)
	require.NotContains(t, err.Error(), "not read")
	require.Contains(t, err.Error(), "code is required")
}
