package azsessions_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// callsWithABody are the calls whose successful answer must hold a JSON
// body: the contract gives every one of them a body, and a zero value in
// its place (no file, no sessions and no nextLink, an execution without a
// status) would read as a valid answer.
func callsWithABody() map[string]func(context.Context, *azsessions.Client) error {
	return map[string]func(context.Context, *azsessions.Client) error{
		"ExecutionClient.Execute": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("1"), nil)
			return err
		},
		"ExecutionClient.Get": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewExecutionClient().Get(ctx, "s1", "e1", nil)
			return err
		},
		"FilesClient.Upload": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewFilesClient().Upload(ctx, "s1", "f.txt", strings.NewReader("data"), nil)
			return err
		},
		"FilesClient.Get": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewFilesClient().Get(ctx, "s1", "f.txt", nil)
			return err
		},
		"FilesClient.NewListPager": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewFilesClient().NewListPager("s1", nil).NextPage(ctx)
			return err
		},
		"SessionsClient.Get": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewSessionsClient().Get(ctx, "s1", nil)
			return err
		},
		"SessionsClient.NewListPager": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewSessionsClient().NewListPager(nil).NextPage(ctx)
			return err
		},
		"SessionsClient.GetPoolMetadata": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewSessionsClient().GetPoolMetadata(ctx, nil)
			return err
		},
		"ContainerClient.GetSession": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewContainerClient().GetSession(ctx, "s1", nil)
			return err
		},
		"ContainerClient.NewListSessionsPager": func(ctx context.Context, c *azsessions.Client) error {
			_, err := c.NewContainerClient().NewListSessionsPager(nil).NextPage(ctx)
			return err
		},
	}
}

// TestEmptyOrNonJSONSuccessIsAnError answers every call that needs a body
// with 200 and an empty body, white space, JSON null, or an HTML page (a
// proxy's): each call fails with ErrInvalidResponse, saying what came,
// instead of returning zero values as a valid answer.
func TestEmptyOrNonJSONSuccessIsAnError(t *testing.T) {
	bodies := map[string]struct {
		body, contentType, says string
	}{
		"empty":       {"", "application/json", "empty body"},
		"white space": {" \r\n", "application/json", "empty body"},
		"null":        {"null", "application/json", "empty body"},
		"html":        {"<html><body>Signed out</body></html>", "text/html", "text/html"},
	}
	for call, run := range callsWithABody() {
		for name, b := range bodies {
			t.Run(call+"/"+name, func(t *testing.T) {
				c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", b.contentType)
					w.WriteHeader(http.StatusOK)
					_, _ = w.Write([]byte(b.body))
				}, nil)
				err := run(context.Background(), c)
				require.ErrorIs(t, err, azsessions.ErrInvalidResponse)
				require.Contains(t, err.Error(), b.says)
				require.Contains(t, err.Error(), "200")
			})
		}
	}
}

// TestAnswersTheContractLetBeEmptyAreAccepted: an execution answered 202
// with headers only is followed, a stopped session may carry no message,
// and deletes answer 204.
func TestAnswersTheContractLetBeEmptyAreAccepted(t *testing.T) {
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == poolPath+"/executions":
			w.Header().Set("Operation-Location", "executions/e1")
			w.WriteHeader(http.StatusAccepted)
		case r.URL.Path == poolPath+"/executions/e1":
			reply(http.StatusOK, []byte(`{"id":"e1","status":"Succeeded","result":{"stdout":"ok\n"}}`))(w, r)
		case r.Method == http.MethodDelete:
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}, nil)
	ctx := context.Background()
	resp, err := c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("1"), nil)
	require.NoError(t, err)
	require.Equal(t, "ok\n", *resp.Result.Stdout)
	stop, err := c.NewSessionsClient().Stop(ctx, "s1", nil)
	require.NoError(t, err)
	require.Empty(t, stop.Message)
	_, err = c.NewSessionsClient().Delete(ctx, "s1", nil)
	require.NoError(t, err)
	_, err = c.NewFilesClient().Delete(ctx, "s1", "f.txt", nil)
	require.NoError(t, err)
}

// TestBeginExecuteAnsweredWithHTMLIsAnInvalidResponse: BeginExecute's first
// answer may be empty (the poller follows its headers), but one that is not
// JSON is ErrInvalidResponse, as for the other calls.
func TestBeginExecuteAnsweredWithHTMLIsAnInvalidResponse(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, []byte("<html>Signed out</html>"), "Content-Type", "text/html", "operation-id", "e1"), nil)
	_, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("1"), nil)
	require.ErrorIs(t, err, azsessions.ErrInvalidResponse)
	require.Contains(t, err.Error(), "text/html")
	require.Len(t, srv.requests(), 1, "nothing is polled")
}

// TestRunningAnswerWithoutAnExecutionIsFollowed: a 202 whose body is white
// space or JSON null (no execution: its headers say what to poll), or a
// running execution after a byte-order mark, is read alike by Execute and
// by BeginExecute: the execution is polled to its end, not refused as
// ErrInvalidResponse. Execute refused the 202 of null, which BeginExecute
// followed.
func TestRunningAnswerWithoutAnExecutionIsFollowed(t *testing.T) {
	bodies := map[string]string{
		"white space": "\r\n",
		"null":        "null",
		"bom null":    "\xef\xbb\xbf null\n",
		"bom":         "\xef\xbb\xbf" + `{"id":"e1","status":"Running"}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.Method == http.MethodPost:
					w.Header().Set("Operation-Location", "executions/e1")
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusAccepted)
					_, _ = w.Write([]byte(body))
				default:
					reply(http.StatusOK, []byte(`{"id":"e1","status":"Succeeded","result":{"stdout":"ok\n"}}`))(w, r)
				}
			}, nil)
			ctx := context.Background()
			resp, err := c.NewExecutionClient().Execute(ctx, "s1", azsessions.NewCodeRequest("1"), nil)
			require.NoError(t, err)
			require.Equal(t, "ok\n", *resp.Result.Stdout)
			poller, err := c.NewExecutionClient().BeginExecute(ctx, "s1", azsessions.NewCodeRequest("1"), nil)
			require.NoError(t, err)
			done, err := poller.PollUntilDone(ctx, nil)
			require.NoError(t, err)
			require.Equal(t, "ok\n", *done.Result.Stdout)
		})
	}
}

// TestBeginExecuteAnsweredOKWithoutAnExecutionIsRefused: a 200 says the
// execution is done, so it must carry it; one whose body is empty, white
// space or JSON null is refused by BeginExecute as by Execute, with an
// *ExecutionInterruptedError naming the operation id and wrapping
// ErrInvalidResponse, and nothing is polled. BeginExecute followed its
// Operation-Location, as for a 202.
func TestBeginExecuteAnsweredOKWithoutAnExecutionIsRefused(t *testing.T) {
	bodies := map[string]string{
		"empty":       "",
		"white space": "\r\n",
		"null":        "null",
		"bom null":    "\xef\xbb\xbf null\n",
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			c, srv := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method != http.MethodPost {
					reply(http.StatusOK, []byte(`{"id":"op-44","status":"Succeeded","result":{"stdout":"ok\n"}}`))(w, r)
					return
				}
				w.Header().Set("Operation-Location", "executions/op-44")
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write([]byte(body))
			}, nil)
			opts := &azsessions.ExecutionClientBeginExecuteOptions{OperationID: ptr("op-44")}
			_, err := c.NewExecutionClient().BeginExecute(context.Background(), "s1", azsessions.NewCodeRequest("1"), opts)
			requireNamesExecution(t, err, "op-44", azsessions.ErrInvalidResponse)
			require.Contains(t, err.Error(), "empty body")
			require.Len(t, srv.requests(), 1, "nothing is polled")
		})
	}
}
