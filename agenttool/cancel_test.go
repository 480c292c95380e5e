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
	f := newCancelFixture(t)
	f.cancelRuns(1)
	r, deadline := f.fast()
	// Without the cancelled run's remaining time the request gave up after
	// 10 s + 30 s; the cancelled run may go on for up to 200 s.
	require.Greater(t, deadline, 200*time.Second, "the next run waits for the cancelled one's limit")
	require.Contains(t, r.Text, "note: An earlier run in this sandbox was cancelled before it finished")
	require.Contains(t, r.Structured.(*agenttool.RunOutput).Notes[0], "was cancelled before it finished")

	// A reset sandbox runs nothing of the old one: no wait, no note.
	f.cancelRuns(1)
	_, err := f.s.Reset(testContext(t))
	require.NoError(t, err)
	r, deadline = f.fast()
	require.Less(t, deadline, 100*time.Second)
	require.NotContains(t, r.Text, "cancelled")
}

// Runs cancelled one after another (a user who presses stop again while the
// next run waits for the first) each go on in the pool up to their limit,
// one after another. The next run waits for them at most one run limit
// (220 s), not their sum, and the model is told how many there were, how
// long it waits, and that reset_session ends them; a run that gets no answer
// within that is a timeout that says so, and counts with them. Once a run
// gets the pool's answer, the runs before it are over: no more waiting.
func TestChainedCancellationsWaitAtMostOneRunLimit(t *testing.T) {
	f := newCancelFixture(t)
	f.cancelRuns(3)
	r, deadline := f.fast()
	// 220 s for the cancelled runs, 10 s its own, 30 s of grace; their
	// sum would be 3 × 200 s.
	require.Greater(t, deadline, 250*time.Second)
	require.Less(t, deadline, 400*time.Second, "the wait for cancelled runs is capped at one run limit")
	require.Contains(t, r.Text, "note: 3 earlier runs in this sandbox were cancelled before they finished, but the sandbox may still be running them, for up to 6")
	require.Contains(t, r.Text, "This run waits for them for at most 220 seconds, the longest a run may take")
	require.Contains(t, r.Text, "reset_session stops them all")

	r, deadline = f.fast()
	require.Less(t, deadline, 100*time.Second, "the pool answered a run after them, so they are over")
	require.NotContains(t, r.Text, "cancelled")

	f.cancelRuns(2)
	r, err := f.s.RunPython(f.long, "stuck", 10*time.Second)
	require.NoError(t, err)
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "failure: timeout: the sandbox was still busy with runs cancelled earlier (the pool cannot stop them) and did not answer within 260 seconds (this run's limit of 10 seconds, 30 s more, and 220 seconds for them); this run may still run after them")
	require.Contains(t, r.Text, "reset_session stops them all")
	r, _ = f.fast()
	require.Contains(t, r.Text, "note: 3 earlier runs in this sandbox were cancelled", "the run that got no answer waits in the pool too")
}

// A run the pool does not answer within its limit and the grace is a
// timeout that says how long the toolkit waited, in words that fit a
// one-second limit too.
func TestUnansweredRunSaysHowLongItWaited(t *testing.T) {
	kit := newExecKit(t, func(context.Context, string) error { return context.DeadlineExceeded })
	r, err := kit.Session("c").RunPython(testContext(t), "stuck", time.Second)
	require.NoError(t, err)
	require.True(t, r.IsError)
	require.Contains(t, r.Text, "failure: timeout: the pool did not answer within 31 seconds (the run's limit of 1 second plus 30 s); the run may still be going")
}

// cancelFixture is a session on a fake pool whose run of "slow" goes on
// until the host cancels it, of "stuck" gets no answer (the request's
// deadline passes), and of anything else succeeds at once, its deadline
// sent on deadlines.
type cancelFixture struct {
	t         *testing.T
	s         *agenttool.Session
	started   chan struct{}
	deadlines chan time.Time
	// long is a hang guard longer than testContext's, which would cap
	// the deadlines the test looks at.
	long context.Context
}

func newCancelFixture(t *testing.T) *cancelFixture {
	f := &cancelFixture{t: t, started: make(chan struct{}), deadlines: make(chan time.Time, 1)}
	kit := newExecKit(t, func(ctx context.Context, code string) error {
		switch code {
		case "slow":
			f.started <- struct{}{}
			<-ctx.Done() // the host cancels it; the pool would go on
			return ctx.Err()
		case "stuck":
			return context.DeadlineExceeded // the pool did not answer in time
		}
		d, _ := ctx.Deadline()
		f.deadlines <- d
		return nil
	})
	f.s = kit.Session("c")
	long, cancel := context.WithTimeout(context.Background(), time.Hour)
	t.Cleanup(cancel)
	f.long = long
	return f
}

// cancelRuns starts n runs with a 200 s limit, one after another, and
// cancels each once the pool has it.
func (f *cancelFixture) cancelRuns(n int) {
	for range n {
		ctx, cancel := context.WithCancel(testContext(f.t))
		done := make(chan error, 1)
		go func() {
			_, err := f.s.RunPython(ctx, "slow", 200*time.Second)
			done <- err
		}()
		<-f.started
		cancel()
		require.ErrorIs(f.t, <-done, context.Canceled)
	}
}

// fast runs code the pool answers at once, with a 10 s limit, and returns
// its result and how far away its request's deadline was.
func (f *cancelFixture) fast() (agenttool.Result, time.Duration) {
	before := time.Now()
	r, err := f.s.RunPython(f.long, "fast", 10*time.Second)
	require.NoError(f.t, err)
	require.False(f.t, r.IsError, r.Text)
	return r, (<-f.deadlines).Sub(before)
}

// newExecKit is a toolkit (file detection off) on a fake pool whose runs
// call execute with the code: nil answers a run that succeeded with "done"
// on stdout, an error fails the request with it.
func newExecKit(t *testing.T, execute func(ctx context.Context, code string) error) *agenttool.Toolkit {
	t.Helper()
	srv := fake.ServerFactory{ExecutionServer: fake.ExecutionServer{
		Execute: func(ctx context.Context, id string, req azsessions.ExecutionRequest, _ *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
			if err := execute(ctx, *req.Code); err != nil {
				errResp.SetError(err)
				return
			}
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
	return kit
}
