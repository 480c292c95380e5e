package fake_test

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

// TestFakeThatCallsGoexitFailsTheCall: a fake whose check fails with
// require calls t.FailNow, which ends the fake's goroutine with
// runtime.Goexit. The call fails at once with an error saying so; it used
// to wait for its context, for ever in a test without a deadline, so that
// the test hung until go test's timeout instead of failing.
func TestFakeThatCallsGoexitFailsTheCall(t *testing.T) {
	srv := fake.ServerFactory{
		SessionsServer: fake.SessionsServer{
			Get: func(ctx context.Context, identifier string, options *azsessions.SessionsClientGetOptions) (resp azfake.Responder[azsessions.SessionsClientGetResponse], errResp azfake.ErrorResponder) {
				runtime.Goexit() // as t.FailNow does
				return
			},
		},
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // hang guard
	defer cancel()
	_, err := newClient(t, &srv).NewSessionsClient().Get(ctx, "s", nil)
	require.ErrorContains(t, err, "the fake for SessionsClient.Get did not return: it called runtime.Goexit")
}

// TestFakeThatPanicsPanicsInTheCaller: a fake's panic reaches the caller's
// goroutine, where the test that made the call can see it (recover, or go
// test naming the test), with the fake's stack; it used to end the whole
// test binary from the transport's goroutine.
func TestFakeThatPanicsPanicsInTheCaller(t *testing.T) {
	boom := errors.New("boom")
	srv := fake.ServerFactory{
		SessionsServer: fake.SessionsServer{
			Get: func(ctx context.Context, identifier string, options *azsessions.SessionsClientGetOptions) (resp azfake.Responder[azsessions.SessionsClientGetResponse], errResp azfake.ErrorResponder) {
				panic(boom)
			},
		},
	}
	client := newClient(t, &srv).NewSessionsClient()
	var got any
	func() {
		defer func() { got = recover() }()
		_, _ = client.Get(context.Background(), "s", nil)
	}()
	err, ok := got.(error)
	require.True(t, ok, "want a panic with an error, got %v", got)
	require.ErrorIs(t, err, boom)
	require.ErrorContains(t, err, "the fake for SessionsClient.Get panicked: boom")
	require.ErrorContains(t, err, "TestFakeThatPanicsPanicsInTheCaller", "the fake's stack")
}
