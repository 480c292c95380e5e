package azsessions_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// TestOddDiagnosticNumbersKeepTheResult sends run times, sizes and counts
// that do not fit: each leaves its field unset, and the rest of the answer
// (stdout above all) arrives intact.
func TestOddDiagnosticNumbersKeepTheResult(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want int64 // -1: unset
	}{
		{`1e400`, -1},
		{`-1e400`, -1},
		{`1e300`, -1},
		{`9.3e12`, -1}, // fits an int64 of ms, not a time.Duration
		{`-4`, -1},
		{`"abc"`, -1},
		{`true`, -1},
		{`{}`, -1},
		{`null`, -1},
		{`4`, 4},
		{`4.9`, 4},
		{`"12"`, 12},
		{`2.5e3`, 2500},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			body := fmt.Sprintf(`{"id":"e1","status":"Succeeded","result":{"stdout":"kept\n","executionTimeInMilliseconds":%s}}`, tc.raw)
			c, _ := newRecordedClient(t, reply(http.StatusOK, []byte(body)), nil)
			resp, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("print(1)"), nil)
			require.NoError(t, err)
			require.Equal(t, "kept\n", *resp.Result.Stdout)
			if tc.want < 0 {
				require.Nil(t, resp.Result.ExecutionTimeInMilliseconds)
			} else {
				require.NotNil(t, resp.Result.ExecutionTimeInMilliseconds)
				require.Equal(t, tc.want, *resp.Result.ExecutionTimeInMilliseconds)
			}
		})
	}
}

func TestOddSizesAndCountsKeepTheListing(t *testing.T) {
	c, _ := newRecordedClient(t, reply(http.StatusOK, []byte(`{"value":[{"name":"a.txt","type":"file","sizeInBytes":1e400},{"name":"b.txt","type":"file","sizeInBytes":"x"},{"name":"c.txt","sizeInBytes":7}]}`)), nil)
	page, err := c.NewFilesClient().NewListPager("s1", nil).NextPage(context.Background())
	require.NoError(t, err)
	require.Len(t, page.Value, 3)
	require.Nil(t, page.Value[0].SizeInBytes)
	require.Nil(t, page.Value[1].SizeInBytes)
	require.Equal(t, int64(7), *page.Value[2].SizeInBytes)

	c, _ = newRecordedClient(t, reply(http.StatusOK, []byte(`{"sessions":[{"identifier":"s1"}],"count":1e400}`)), nil)
	sessions, err := c.NewSessionsClient().NewListPager(nil).NextPage(context.Background())
	require.NoError(t, err)
	require.Len(t, sessions.Value, 1)
	require.Nil(t, sessions.Count)
}
