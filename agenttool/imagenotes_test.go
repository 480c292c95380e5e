package agenttool_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// A run that writes many images (the frames of an animation, a chart per
// category) gets the first few as images and a bounded number of notes about
// the rest, not one note line per file: the result must not flood the
// model's context however many files the code wrote.
func TestFakeManyImagesGiveFewNotes(t *testing.T) {
	kit, pool := newFakeKit(t, &agenttool.Options{MaxImages: 2}, nil)
	pool.exec = func(id string, req azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
		for i := range 500 {
			pool.put(id, fmt.Sprintf("frames/f%03d.png", i), []byte("\x89PNG\r\n\x1a\n"))
		}
		return succeeded("", "", ""), 0, ""
	}
	r := call(t, kit.Session("c"), agenttool.ToolRunPython, map[string]any{"code": "draw()"})
	require.False(t, r.IsError, r.Text)
	require.Len(t, r.Images, 2)
	notes := r.Structured.(*agenttool.RunOutput).Notes
	require.LessOrEqual(t, len(notes), 5, "%d notes", len(notes))
	require.LessOrEqual(t, strings.Count(r.Text, "\nnote: "), 5)
	require.Contains(t, r.Text, "note: The image /mnt/data/frames/f002.png is not shown: a result carries at most 2 images.\n")
	require.Contains(t, r.Text, "495 more images are not shown either")
	require.Less(t, len(r.Text), 12000)
}
