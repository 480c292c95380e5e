package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/examples/internal/exampletest"
)

// TestAgent runs the scripted conversation against the in-process emulator
// and checks what the model would have seen at each step.
func TestAgent(t *testing.T) {
	exampletest.RequireEmulator(t)
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, dir))
	got := out.String()
	for _, want := range []string{
		"using a local emulator at https://127.0.0.1:",
		"[tool call 1] pool_info {}",
		"  | uploaded /mnt/data/temps.csv (175 bytes)",
		"[tool result, is_error=true]\n  | status: failed\n  | failure: error: ",
		"  | KeyError: 'temperature'",
		"  | Lima     mean  20.0  min  16.8  max  23.4\n",
		"  | Oslo     mean   6.2  min  -4.3  max  17.1\n",
		"  | created /mnt/data/chart.png (",
		"  [image block: /mnt/data/chart.png, image/png, ",
		"  | /mnt/data holds 2 entries:\n",
		"  | /mnt/data/chart.png: an image (image/png, ",
		"[model] Here is the chart (image/png).",
		"[host] saved the chart in " + dir,
	} {
		require.Contains(t, got, want)
	}
	require.NotContains(t, got, "iVBOR", "no image base64 in what the model reads")
	require.NotContains(t, got, "Deleting the sandboxes:")
	chart, err := os.ReadFile(filepath.Join(dir, "chart.png"))
	require.NoError(t, err)
	require.Equal(t, []byte("\x89PNG\r\n\x1a\n"), chart[:8])
}
