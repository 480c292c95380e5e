package anthropic_test

import (
	"strings"
	"testing"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/anthropic"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// An image the API does not accept is named in the text; one it accepts
// (any case of its media type) follows the text as an image block.
func TestBlocksNameImagesTheAPICannotTake(t *testing.T) {
	blocks := adapter.Blocks(agenttool.Result{Images: []agenttool.Image{
		{Name: "plot.svg", MIMEType: "image/svg+xml", Data: []byte("<svg/>")},
		{Name: "dot.png", MIMEType: "IMAGE/PNG", Data: []byte{0x89, 'P', 'N', 'G'}},
	}})
	if len(blocks) != 2 || blocks[0].OfText == nil || blocks[1].OfImage == nil {
		t.Fatalf("want a text block and one image block: %+v", blocks)
	}
	if text := blocks[0].OfText.Text; !strings.Contains(text, "plot.svg (image/svg+xml, 6 bytes)") || strings.Contains(text, "dot.png") {
		t.Errorf("text %q", text)
	}
	if mt := blocks[1].OfImage.Source.OfBase64.MediaType; mt != "image/png" {
		t.Errorf("media type %q", mt)
	}
	if text := adapter.Blocks(agenttool.Result{})[0].OfText.Text; text != "(no output)" {
		t.Errorf("empty result: %q", text)
	}
}
