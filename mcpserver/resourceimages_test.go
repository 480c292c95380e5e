package mcpserver_test

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// encoded is img as PNG (or JPEG when asJPEG).
func encoded(t *testing.T, img image.Image, asJPEG bool) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	if asJPEG {
		err = jpeg.Encode(&b, img, nil)
	} else {
		err = png.Encode(&b, img)
	}
	require.NoError(t, err)
	return b.Bytes()
}

// A client may hand an image resource to its model as an image, and model
// APIs refuse the whole request for one over their limits or one they
// cannot decode: an image the toolkit would not show a model (over the
// image budget, a side over MaxImageSide, data cut short) is still served,
// as its bytes, but as an application/octet-stream blob, which no client
// takes for an image; an image within the limits has the type of its
// bytes, whatever its name says.
func TestResourceImagesOverTheToolkitsLimits(t *testing.T) {
	f := newFixture(t, "", &mcpserver.Options{Toolkit: agenttool.Options{MaxImageBytes: 2000}})
	cs := f.connect(t, nil)
	ctx := testContext(t)
	noise := image.NewGray(image.Rect(0, 0, 100, 100))
	x := uint32(1)
	for i := range noise.Pix { // noise, which does not compress
		x = x*1103515245 + 12345
		noise.Pix[i] = byte(x >> 16)
	}
	small := encoded(t, image.NewGray(image.Rect(0, 0, 4, 4)), false)
	files := map[string][]byte{
		"small.png": small,
		"wide.png":  encoded(t, image.NewGray(image.Rect(0, 0, 8001, 2)), false),
		"cut.png":   small[:len(small)-13],
		"big.png":   encoded(t, noise, false),
		"jpeg.png":  encoded(t, image.NewGray(image.Rect(0, 0, 4, 4)), true),
		"text.png":  []byte("not an image"),
	}
	require.Greater(t, len(files["big.png"]), 2000)
	for name, data := range files {
		res := call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": name, "content": base64.StdEncoding.EncodeToString(data), "encoding": "base64"})
		require.False(t, res.IsError, text(res))
	}
	for _, name := range []string{"wide.png", "cut.png", "big.png"} {
		got, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "azsessions://files/" + name})
		require.NoError(t, err, name)
		assert.Equal(t, "application/octet-stream", got.Contents[0].MIMEType, name)
		assert.Equal(t, files[name], got.Contents[0].Blob, name)
	}
	for name, want := range map[string]string{"small.png": "image/png", "jpeg.png": "image/jpeg", "text.png": "text/plain"} {
		got, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "azsessions://files/" + name})
		require.NoError(t, err, name)
		assert.True(t, strings.HasPrefix(got.Contents[0].MIMEType, want), "%s: %s", name, got.Contents[0].MIMEType)
	}
}

// Images in formats model APIs do not take (BMP, TIFF, ICO, SVG) are
// served with their own media types, which tell a client they are no image
// its model takes; they are not held to the image limits, which are for
// images a client may hand its model. An SVG, XML, is text.
func TestResourceOtherImageFormats(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	ctx := testContext(t)
	files := map[string][]byte{
		"pic.bmp":  append([]byte("BM"), make([]byte, 56)...),
		"pic.tif":  []byte("II*\x00\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
		"pic.tiff": []byte("MM\x00*\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00"),
		"pic.ico":  append([]byte{0, 0, 1, 0, 1, 0}, make([]byte, 20)...),
		"pic.svg":  []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`),
	}
	for name, data := range files {
		res := call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": name, "content": base64.StdEncoding.EncodeToString(data), "encoding": "base64"})
		require.False(t, res.IsError, text(res))
	}
	for name, want := range map[string]string{"pic.bmp": "image/bmp", "pic.tif": "image/tiff", "pic.tiff": "image/tiff", "pic.ico": "image/vnd.microsoft.icon", "pic.svg": "image/svg+xml"} {
		got, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: "azsessions://files/" + name})
		require.NoError(t, err, name)
		c := got.Contents[0]
		assert.Equal(t, want, c.MIMEType, name)
		if name == "pic.svg" {
			assert.Equal(t, string(files[name]), c.Text, name)
		} else {
			assert.Equal(t, files[name], c.Blob, name)
		}
	}
}

// With images turned off, an image file is served as its bytes, typed
// application/octet-stream: the host's model takes no images.
func TestResourceImagesWithImagesOff(t *testing.T) {
	f := newFixture(t, "", &mcpserver.Options{Toolkit: agenttool.Options{MaxImages: -1}})
	cs := f.connect(t, nil)
	data := encoded(t, image.NewGray(image.Rect(0, 0, 4, 4)), false)
	res := call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": "a.png", "content": base64.StdEncoding.EncodeToString(data), "encoding": "base64"})
	require.False(t, res.IsError, text(res))
	got, err := cs.ReadResource(testContext(t), &mcp.ReadResourceParams{URI: "azsessions://files/a.png"})
	require.NoError(t, err)
	assert.Equal(t, "application/octet-stream", got.Contents[0].MIMEType)
	assert.Equal(t, data, got.Contents[0].Blob)
}
