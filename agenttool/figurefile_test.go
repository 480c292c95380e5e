package agenttool_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/testenv"
)

// Code that saves the open figure to /mnt/data and leaves it open gets it
// back once, as the file it saved (it has a name the model can cite and
// download again), not twice: the pool also returns the open figure as the
// run's image, and each copy costs the model the tokens of an image. The
// files block still lists the file, and the value says where the figure
// went.
func TestEmulatorSavedFigureReturnedOnce(t *testing.T) {
	kit := newEmulatorKit(t, &emulator.Options{Python: testenv.Python(t, "apt-get install python3-matplotlib", "matplotlib")}, nil)
	s := kit.Session("plot")
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.savefig('/mnt/data/x.png')"})
	require.False(t, r.IsError, r.Text)
	require.Equal(t, []string{"/mnt/data/x.png"}, imageNames(r.Images), r.Text)
	require.Contains(t, r.Text, "----- files -----\ncreated /mnt/data/x.png (")
	require.Contains(t, r.Text, "images: 1 returned with this result as image content, in this order:\n----- images -----\n/mnt/data/x.png (image/png, ")
	require.NotContains(t, r.Text, "the run's figure")
	out := r.Structured.(*agenttool.RunOutput)
	require.Len(t, out.Images, 1)
	require.True(t, strings.HasPrefix(out.Value, "(an image: "), out.Value)
	require.Contains(t, out.Value, "saved")

	// A figure the run did not save still comes back, as the run's figure.
	r = call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()"})
	require.False(t, r.IsError, r.Text)
	require.Equal(t, []string{""}, imageNames(r.Images), r.Text)
	require.Contains(t, r.Text, "----- images -----\nthe run's figure (image/png, ")
}

func imageNames(images []agenttool.Image) []string {
	names := []string{}
	for _, im := range images {
		names = append(names, im.Name)
	}
	return names
}

// A run that saves a Matplotlib figure, closes it, and ends on another
// image (here one Pillow drew) gets that image back as well as the file:
// only the pool's rendering of an open Matplotlib figure can be the saved
// one, and the value is not said to be a figure left out.
func TestEmulatorSavedFigureKeepsOtherImageValue(t *testing.T) {
	kit := newEmulatorKit(t, &emulator.Options{Python: testenv.Python(t, "apt-get install python3-matplotlib", "matplotlib")}, nil)
	s := kit.Session("plot")
	code := "import matplotlib.pyplot as plt\nfrom PIL import Image\nplt.plot([1, 3, 2])\nplt.savefig('/mnt/data/x.png')\nplt.close()\nImage.new('RGB', (8, 8), 'red')"
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": code})
	require.False(t, r.IsError, r.Text)
	require.ElementsMatch(t, []string{"", "/mnt/data/x.png"}, imageNames(r.Images), r.Text)
	out := r.Structured.(*agenttool.RunOutput)
	require.NotContains(t, out.Value, "saved", out.Value)
}

// A figure saved as JPEG or WebP comes back once too, as the file. Those
// files carry no sign of Matplotlib, as its PNGs do, so the sign is the
// code: a run whose code calls savefig, and whose open figure Matplotlib
// rendered, saved that figure.
func TestEmulatorSavedJPEGAndWebPFigureReturnedOnce(t *testing.T) {
	kit := newEmulatorKit(t, &emulator.Options{Python: testenv.Python(t, "apt-get install python3-matplotlib", "matplotlib")}, nil)
	s := kit.Session("plot")
	for _, tc := range []struct{ name, mime string }{{"x.jpg", "image/jpeg"}, {"x.webp", "image/webp"}} {
		r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.savefig('/mnt/data/" + tc.name + "')"})
		require.False(t, r.IsError, r.Text)
		require.Equal(t, []string{"/mnt/data/" + tc.name}, imageNames(r.Images), r.Text)
		require.Contains(t, r.Text, "----- images -----\n/mnt/data/"+tc.name+" ("+tc.mime+", ")
		require.NotContains(t, r.Text, "the run's figure")
		require.Contains(t, r.Structured.(*agenttool.RunOutput).Value, "saved")
	}

	// A JPEG that Pillow wrote, beside a figure the code never saved, is
	// no sign: both come back.
	code := "import matplotlib.pyplot as plt\nfrom PIL import Image\nImage.new('RGB', (8, 8), 'red').save('/mnt/data/red.jpg')\nplt.plot([1, 2])\nplt.show()"
	r := call(t, s, agenttool.ToolRunPython, map[string]any{"code": code})
	require.False(t, r.IsError, r.Text)
	require.ElementsMatch(t, []string{"", "/mnt/data/red.jpg"}, imageNames(r.Images), r.Text)
}
