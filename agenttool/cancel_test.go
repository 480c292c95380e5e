package agenttool_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

// A run the host cancels (an MCP client's notifications/cancelled, a user
// pressing stop) goes on in the pool until its own limit, and the pool runs
// the session's next run after it. The next run must wait that long too, not
// give up after its own timeout plus the grace and report a timeout the
// model did not cause, and the model is told why it waited.
func TestCancelledRunDelaysTheNext(t *testing.T) {
	started := make(chan struct{})
	deadlines := make(chan time.Time, 1)
	srv := fake.ServerFactory{ExecutionServer: fake.ExecutionServer{
		Execute: func(ctx context.Context, id string, req azsessions.ExecutionRequest, _ *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
			if *req.Code == "slow" {
				close(started)
				<-ctx.Done() // the host cancels it; the pool would go on
				errResp.SetError(ctx.Err())
				return
			}
			d, _ := ctx.Deadline()
			deadlines <- d
			resp.SetResponse(http.StatusOK, azsessions.ExecutionClientExecuteResponse{Execution: succeeded("done", "", "")}, nil)
			return
		},
	}, SessionsServer: fake.SessionsServer{
		Delete: func(context.Context, string, *azsessions.SessionsClientDeleteOptions) (resp azfake.Responder[azsessions.SessionsClientDeleteResponse], errResp azfake.ErrorResponder) {
			resp.SetResponse(http.StatusNoContent, azsessions.SessionsClientDeleteResponse{}, nil)
			return
		},
	}}
	client, err := azsessions.NewClient("https://fake.dynamicsessions.io/subscriptions/x/resourceGroups/y/sessionPools/z", &azfake.TokenCredential{}, &azsessions.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: fake.NewServerFactoryTransport(&srv), Retry: policy.RetryOptions{MaxRetries: -1}},
	})
	require.NoError(t, err)
	kit, err := agenttool.New(client, &agenttool.Options{DisableFileDetection: true})
	require.NoError(t, err)
	s := kit.Session("c")

	ctx, cancel := context.WithCancel(testContext(t))
	done := make(chan error, 1)
	go func() {
		_, err := s.RunPython(ctx, "slow", 200*time.Second)
		done <- err
	}()
	<-started
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)

	// A hang guard longer than testContext's, which would cap the deadline.
	long, cancelLong := context.WithTimeout(context.Background(), time.Hour)
	defer cancelLong()
	before := time.Now()
	r, err := s.RunPython(long, "fast", 10*time.Second)
	require.NoError(t, err)
	require.False(t, r.IsError, r.Text)
	// Without the cancelled run's remaining time the request gave up after
	// 10 s + 30 s; the cancelled run may go on for up to 200 s.
	require.Greater(t, (<-deadlines).Sub(before), 200*time.Second, "the next run waits for the cancelled one's limit")
	require.Contains(t, r.Text, "note: An earlier run in this sandbox was cancelled before it finished")
	require.Contains(t, r.Structured.(*agenttool.RunOutput).Notes[0], "was cancelled before it finished")

	// A reset sandbox runs nothing of the old one: no wait, no note.
	_, err = s.Reset(testContext(t))
	require.NoError(t, err)
	before = time.Now()
	r, err = s.RunPython(long, "fast", 10*time.Second)
	require.NoError(t, err)
	require.Less(t, (<-deadlines).Sub(before), 100*time.Second)
	require.NotContains(t, r.Text, "cancelled")
}
