package azsessions

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestInterruptedKeepsTheCauseWhenTheContextEnded: an answer too large to
// read while the caller's context ends at the same moment gives an
// ExecutionInterruptedError through which both the context's error and the
// cause are found, so a caller checking either one sees it.
func TestInterruptedKeepsTheCauseWhenTheContextEnded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	client := &ExecutionClient{c: &Client{}}
	cause := fmt.Errorf("reading the answer: %w", ErrResponseTooLarge)
	err := client.interrupted(ctx, "op-1", "session-1", nil, cause)
	var ie *ExecutionInterruptedError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "op-1", ie.OperationID)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, err, ErrResponseTooLarge, "the cause is still found: %v", err)
}
