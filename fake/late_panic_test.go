package fake_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

// latePanicEnv makes TestFakeThatPanicsAfterTheCallEndedIsNotLost run
// its fake, in the test binary it starts.
const latePanicEnv = "AZSESSIONS_FAKE_LATE_PANIC"

// TestFakeThatPanicsAfterTheCallEndedIsNotLost: a fake that panics after
// its call returned with the context's error has nobody to panic in; the
// panic still ends the test binary, with the fake's error, as any
// unrecovered panic does. It was dropped, and the test passed.
func TestFakeThatPanicsAfterTheCallEndedIsNotLost(t *testing.T) {
	if os.Getenv(latePanicEnv) == "1" {
		panicAfterTheCall(t)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // hang guard
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestFakeThatPanicsAfterTheCallEndedIsNotLost$", "-test.count=1")
	cmd.Env = append(os.Environ(), latePanicEnv+"=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the test binary went on after the fake panicked:\n%s", out)
	require.Contains(t, string(out), "the fake for SessionsClient.Get panicked: late boom")
}

// panicAfterTheCall makes a call whose fake panics once the call has
// returned, then waits for the panic to end the process.
func panicAfterTheCall(t *testing.T) {
	started, returned := make(chan struct{}), make(chan struct{})
	srv := fake.ServerFactory{
		SessionsServer: fake.SessionsServer{
			Get: func(ctx context.Context, identifier string, options *azsessions.SessionsClientGetOptions) (resp azfake.Responder[azsessions.SessionsClientGetResponse], errResp azfake.ErrorResponder) {
				close(started)
				<-returned
				panic(errors.New("late boom"))
			},
		},
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	_, err := newClient(t, &srv).NewSessionsClient().Get(ctx, "s", nil)
	require.ErrorIs(t, err, context.Canceled)
	close(returned)
	// The panic ends the process long before; getting past this wait
	// means it was lost. Long, as a loaded machine may be slow to run the
	// fake's goroutine; within the parent's hang guard.
	time.Sleep(2 * time.Minute)
}
