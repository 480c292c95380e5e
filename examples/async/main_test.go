package main

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/examples/internal/pool"
)

func TestAsync(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python through the emulator")
	}
	if os.Getenv(pool.EndpointVariable) != "" {
		t.Skipf("%s is set: the example would use a real pool", pool.EndpointVariable)
	}
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	require.Contains(t, out.String(), "resume token of")
	require.Contains(t, out.String(), "Done: squares summed\n  value 30")
}
