package azsessions_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

// TestNegativeSkipIsRefused: a negative Skip names no page; both session
// listings refuse it with ErrInvalidArgument, saying so, before any request
// (the service's answer to skip=-1 is undocumented).
func TestNegativeSkipIsRefused(t *testing.T) {
	c, srv := newRecordedClient(t, reply(http.StatusOK, []byte(`{"sessions":[],"value":[]}`)), nil)
	nextPages := map[string]func(context.Context) error{
		"SessionsClient.NewListPager": func(ctx context.Context) error {
			_, err := c.NewSessionsClient().NewListPager(&azsessions.SessionsClientListOptions{Skip: ptr[int32](-1)}).NextPage(ctx)
			return err
		},
		"ContainerClient.NewListSessionsPager": func(ctx context.Context) error {
			_, err := c.NewContainerClient().NewListSessionsPager(&azsessions.ContainerClientListSessionsOptions{Skip: ptr[int32](-300)}).NextPage(ctx)
			return err
		},
	}
	for name, next := range nextPages {
		t.Run(name, func(t *testing.T) {
			err := next(context.Background())
			require.ErrorIs(t, err, azsessions.ErrInvalidArgument)
			require.Contains(t, err.Error(), "Skip")
			require.Contains(t, err.Error(), "negative")
		})
	}
	require.Empty(t, srv.requests(), "nothing is sent")
}
