package emulator_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

// TestSDKInterop drives the SDK's long-running operation and pagers
// against the emulator: the shapes the emulator emits must be the ones the
// SDK follows.
func TestSDKInterop(t *testing.T) {
	client := emulator.NewForTest(t, nil)
	ctx := context.Background()

	poller, err := client.NewExecutionClient().BeginExecute(ctx, "lro", azsessions.NewCodeRequest("import time\ntime.sleep(0.3)\n6 * 7"), nil)
	require.NoError(t, err)
	done, err := poller.PollUntilDone(ctx, nil)
	require.NoError(t, err)
	require.True(t, done.Succeeded())
	require.JSONEq(t, `"42"`, string(done.Result.Value))

	files := client.NewFilesClient()
	for i := range 3 {
		_, err := files.Upload(ctx, "lro", fmt.Sprintf("f%d.txt", i), strings.NewReader("x"), nil)
		require.NoError(t, err)
	}
	var names []string
	for pager := files.NewListPager("lro", nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		require.NoError(t, err)
		for _, f := range page.Value {
			names = append(names, *f.Name)
		}
	}
	require.Equal(t, []string{"f0.txt", "f1.txt", "f2.txt"}, names)

	sessions := client.NewSessionsClient()
	got, err := sessions.Get(ctx, "lro", nil)
	require.NoError(t, err)
	require.Equal(t, "lro", *got.Identifier)
	var ids []string
	for pager := sessions.NewListPager(nil); pager.More(); {
		page, err := pager.NextPage(ctx)
		require.NoError(t, err)
		for _, s := range page.Value {
			ids = append(ids, *s.Identifier)
		}
	}
	require.Equal(t, []string{"lro"}, ids)
	_, err = sessions.Delete(ctx, "lro", nil)
	require.NoError(t, err)
	_, err = sessions.Get(ctx, "lro", nil)
	require.Error(t, err)
}
