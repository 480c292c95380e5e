package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/examples/internal/exampletest"
)

func TestAsync(t *testing.T) {
	exampletest.RequireEmulator(t)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	require.Contains(t, out.String(), "resume token of")
	require.Contains(t, out.String(), "Done: squares summed\n  value 30")
}
