package azsessions_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// slowCredential hands out a token after taking at least its delay, as a
// credential does that fetches its first token over the network.
type slowCredential struct{ delay time.Duration }

func (c slowCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	select {
	case <-time.After(c.delay):
	case <-ctx.Done():
		return azcore.AccessToken{}, ctx.Err()
	}
	return azcore.AccessToken{Token: "test-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// TestExecuteTryTimeoutCountsTheTokenFetch: a try's TryTimeout starts
// before the credential fetches its token, so the timeoutInSeconds the try
// sends is what is left of the try once the token is there. The full
// TryTimeout (59 of a minute) was sent whatever the token took, and the
// service's answer to code it stopped at that timeout came after the try
// had ended: an interruption instead of the result.
func TestExecuteTryTimeoutCountsTheTokenFetch(t *testing.T) {
	_, srv := newRecordedClient(t, reply(http.StatusOK, testdata(t, "executions/sync_succeeded.json")), nil)
	opts := &azsessions.ClientOptions{}
	opts.Transport = srv.Client()
	opts.Retry.TryTimeout = time.Minute
	c, err := azsessions.NewClient(srv.URL+poolPath, slowCredential{delay: 1200 * time.Millisecond}, opts)
	require.NoError(t, err)
	_, err = c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
	require.NoError(t, err)
	sent := sentTimeout(t, srv.last(t).Body)
	require.LessOrEqual(t, sent, 58, "the token took 1.2 s of the try's minute")
	require.GreaterOrEqual(t, sent, 1)
}
