package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/examples/internal/exampletest"
)

// TestQuickstart runs the README's main command end to end against the
// in-process emulator and checks what a user would read.
func TestQuickstart(t *testing.T) {
	exampletest.RequireEmulator(t)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	got := out.String()
	for _, want := range []string{
		"using a local emulator at https://127.0.0.1:",
		"Succeeded",
		"stdout: Hello from Python 3.",
		"value:  42",
		"new allocation               true",
		`Uploaded "quickstart data.csv" (25 bytes)`,
		"The code read 2 rows",
		"hottest.txt            file      7 bytes",
		"Downloaded hottest.txt: Lima,19",
		"Done.",
	} {
		require.Contains(t, got, want)
	}
	require.NotContains(t, got, "Deleting the session:")
}
