package agenttool_test

import (
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// TestDefaultImageBudgetFitsAnthropicsLimit checks that with the default
// options no image goes out whose base64 form is over 5 MiB: Anthropic's
// API refuses such an image (it measures the base64), and the request that
// holds it, so every later turn of the conversation would fail too.
func TestDefaultImageBudgetFitsAnthropicsLimit(t *testing.T) {
	const anthropicLimit = 5 << 20 // bytes of base64 per image
	png := sizedPNG
	largest := anthropicLimit / 4 * 3 // raw bytes whose base64 is the limit
	for _, tc := range []struct {
		name  string
		size  int
		shown bool
	}{
		{"at the limit", largest, true},
		{"one byte over", largest + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kit, pool := newFakeKit(t, nil, nil)
			pool.exec = func(id string, req azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
				pool.put(id, "chart.png", png(tc.size))
				return succeeded("", "", ""), 0, ""
			}
			r := call(t, kit.Session("c"), agenttool.ToolRunPython, map[string]any{"code": "plot()"})
			require.False(t, r.IsError, r.Text)
			for _, img := range r.Images {
				require.LessOrEqual(t, base64.StdEncoding.EncodedLen(len(img.Data)), anthropicLimit)
			}
			if tc.shown {
				require.Len(t, r.Images, 1)
				return
			}
			require.Empty(t, r.Images)
			require.Contains(t, r.Text, "note: Not shown: 1 image the run wrote")
		})
	}
}
