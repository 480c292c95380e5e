package agenttool_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// matplotlibFile is a PNG of n bytes as savefig writes it, as far as the
// toolkit looks: a Software text before the image data.
func matplotlibFile(n int) []byte {
	return sizedPNG(n, pngChunk("tEXt", []byte("Software\x00Matplotlib version3.6.3, https://matplotlib.org/")))
}

// A run that saves several figures and leaves the last one open (a chart
// per column in a loop) gets every file the image budgets hold: the run's
// figure is left out because the run saved it, so it takes no room from
// the files. Before, it counted against the budgets while the files were
// fetched and was dropped afterwards, so the last file, often the very
// figure left out, was not shown either.
func TestFakeSavedFigureTakesNoImageRoom(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts agenttool.Options
	}{
		{"count", agenttool.Options{MaxImages: 3}},
		{"bytes", agenttool.Options{MaxImageBytes: 3 * int64(len(matplotlibFile(300)))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kit, pool := newFakeKit(t, &tc.opts, nil)
			pool.exec = func(id string, req azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
				for _, name := range []string{"a.png", "b.png", "c.png"} {
					pool.put(id, name, matplotlibFile(300))
				}
				e := succeeded("", "", "")
				e.Result.Value = nil // the open figure travels as the value
				e.Result.Image = &azsessions.Image{Format: "png", Data: matplotlibFile(290)}
				return e, 0, ""
			}
			r := call(t, kit.Session("c"), agenttool.ToolRunPython, map[string]any{"code": "plot()"})
			require.False(t, r.IsError, r.Text)
			require.Equal(t, []string{"/mnt/data/a.png", "/mnt/data/b.png", "/mnt/data/c.png"}, imageNames(r.Images), r.Text)
			require.NotContains(t, r.Text, "Not shown")
			require.Contains(t, r.Text, fmt.Sprintf("images: 3 returned with this result as image content, in this order:\n----- images -----\n/mnt/data/a.png (image/png, %d bytes)\n", len(matplotlibFile(300))))
		})
	}

	// The budgets still hold the figure when no saved file comes back
	// beside it: it is shown, and the files after it are left out.
	kit, pool := newFakeKit(t, &agenttool.Options{MaxImages: 1}, nil)
	pool.exec = func(id string, req azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
		pool.put(id, "a.png", matplotlibFile(300))
		e := succeeded("", "", "")
		e.Result.Value = nil
		e.Result.Image = &azsessions.Image{Format: "png", Data: matplotlibFile(290)}
		return e, 0, ""
	}
	r := call(t, kit.Session("c"), agenttool.ToolRunPython, map[string]any{"code": "plot()"})
	require.Equal(t, []string{""}, imageNames(r.Images), r.Text)
	require.Contains(t, r.Text, "note: Not shown: 1 image the run wrote (a result carries at most 1 image).\n")
}
