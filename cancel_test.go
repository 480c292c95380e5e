package azsessions_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"
)

// TestEveryCallCanceledMidCallSaysSo cancels each call's context while the
// service holds its request: the call returns at once with an error for
// which errors.Is(err, context.Canceled) holds, never an
// *azcore.ResponseError (whose StatusCode would be 0, as no answer came).
func TestEveryCallCanceledMidCallSaysSo(t *testing.T) {
	arrived := make(chan struct{}, 1)
	c, _ := newRecordedClient(t, func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	}, nil)
	calls := map[string]func(ctx context.Context) error{
		"SessionsClient.Get":    func(ctx context.Context) error { _, err := c.NewSessionsClient().Get(ctx, "s1", nil); return err },
		"SessionsClient.Delete": func(ctx context.Context) error { _, err := c.NewSessionsClient().Delete(ctx, "s1", nil); return err },
		"SessionsClient.Stop":   func(ctx context.Context) error { _, err := c.NewSessionsClient().Stop(ctx, "s1", nil); return err },
		"SessionsClient.NewListPager": func(ctx context.Context) error {
			_, err := c.NewSessionsClient().NewListPager(nil).NextPage(ctx)
			return err
		},
		"SessionsClient.GetPoolMetadata": func(ctx context.Context) error {
			_, err := c.NewSessionsClient().GetPoolMetadata(ctx, nil)
			return err
		},
		"FilesClient.Upload": func(ctx context.Context) error {
			_, err := c.NewFilesClient().Upload(ctx, "s1", "a.txt", strings.NewReader("abc"), nil)
			return err
		},
		"FilesClient.NewListPager": func(ctx context.Context) error {
			_, err := c.NewFilesClient().NewListPager("s1", nil).NextPage(ctx)
			return err
		},
		"FilesClient.Get": func(ctx context.Context) error { _, err := c.NewFilesClient().Get(ctx, "s1", "a.txt", nil); return err },
		"FilesClient.Download": func(ctx context.Context) error {
			_, err := c.NewFilesClient().Download(ctx, "s1", "a.txt", nil)
			return err
		},
		"FilesClient.Delete": func(ctx context.Context) error {
			_, err := c.NewFilesClient().Delete(ctx, "s1", "a.txt", nil)
			return err
		},
		"ExecutionClient.Get": func(ctx context.Context) error {
			_, err := c.NewExecutionClient().Get(ctx, "s1", "e1", nil)
			return err
		},
		"ContainerClient.Send": func(ctx context.Context) error {
			_, err := c.NewContainerClient().Send(ctx, "s1", http.MethodPost, "/run", strings.NewReader("x"), nil)
			return err
		},
		"ContainerClient.GetSession": func(ctx context.Context) error {
			_, err := c.NewContainerClient().GetSession(ctx, "s1", nil)
			return err
		},
		"ContainerClient.NewListSessionsPager": func(ctx context.Context) error {
			_, err := c.NewContainerClient().NewListSessionsPager(nil).NextPage(ctx)
			return err
		},
	}
	for name, call := range calls {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			<-arrived // the service holds the request
			cancel()
		}()
		err := call(ctx)
		cancel()
		require.ErrorIs(t, err, context.Canceled, name)
		var re *azcore.ResponseError
		require.False(t, errors.As(err, &re), "%s: %v", name, err)
	}
}
