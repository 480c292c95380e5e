package agenttool_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// An image a run wrote that download_file does not return either (over
// the image budget on its own, or with a name the toolkit does not send to
// the pool) is counted in a note that says why, and the note does not send
// the model to download_file for it: told that download_file returns an
// image that is not shown, a model spent a call to be told the same again.
func TestFakeRunImagesDownloadFileWouldNotReturn(t *testing.T) {
	kit, pool := newFakeKit(t, &agenttool.Options{MaxImageBytes: 1000}, nil)
	pool.refusals = map[string]string{}
	pool.exec = func(id string, req azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
		pool.put(id, "big.png", sizedPNG(2000))
		pool.put(id, `back\slash.png`, sizedPNG(100))
		return succeeded("", "", ""), 0, ""
	}
	s := kit.Session("c")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "plot()"})
	require.False(t, r.IsError, r.Text)
	require.Empty(t, r.Images)
	require.Equal(t, []string{
		"Not shown: 1 image the run wrote (a name holding characters the toolkit does not send to the pool).",
		"Not shown: 1 image the run wrote (larger than the image budget of 1000 bytes; make a smaller one with code).",
	}, r.Structured.(*agenttool.RunOutput).Notes)
	require.NotContains(t, r.Text, "download_file")

	// What the note would have promised: download_file returns neither.
	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": "big.png"})
	require.Empty(t, r.Images, r.Text)
	require.Contains(t, r.Text, "too large to return")
	r = call(t, s, agenttool.ToolDownloadFile, map[string]any{"path": `back\slash.png`})
	require.Empty(t, r.Images, r.Text)
	require.True(t, r.IsError, r.Text)
}
