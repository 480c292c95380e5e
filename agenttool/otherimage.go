package agenttool

import (
	"bytes"
	"path"
	"strings"
)

// Model APIs (OpenAI, Anthropic) take PNG, JPEG, GIF and WebP images
// only, and refuse the whole request that holds another type. Code often
// writes others (Pillow saves BMP and TIFF, Matplotlib SVG), so the
// toolkit names them, to tell the model why it does not see them and that
// it can convert them, rather than leave them looking like any data.

// otherImageNote is the reason a run's note gives for the images it wrote
// in formats model APIs do not take.
const otherImageNote = "formats model APIs do not take as images: BMP, TIFF, ICO or SVG; save them as PNG to see them"

// otherImageByName reports whether a file's extension names an image
// format model APIs do not take.
func otherImageByName(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".bmp", ".tif", ".tiff", ".ico", ".svg":
		return true
	}
	return false
}

// otherImageFormat names the image format model APIs do not take that
// binary data is in ("BMP", "TIFF" or "ICO"), with its media type, from
// its bytes; "", "" for none.
func otherImageFormat(data []byte) (format, mime string) {
	switch {
	case len(data) >= 26 && bytes.HasPrefix(data, []byte("BM")):
		return "BMP", "image/bmp"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "TIFF", "image/tiff"
	case len(data) >= 22 && bytes.HasPrefix(data, []byte{0, 0, 1, 0}) && data[4]|data[5] != 0:
		return "ICO", "image/vnd.microsoft.icon"
	}
	return "", ""
}

// isSVG reports whether text is an SVG image: its first element, after
// an XML declaration, comments or a doctype, is <svg.
func isSVG(text []byte) bool {
	head := text[:min(len(text), 1024)]
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for {
		head = bytes.TrimLeft(head, " \t\r\n")
		switch {
		case bytes.HasPrefix(head, []byte("<svg")):
			return true
		case bytes.HasPrefix(head, []byte("<?")), bytes.HasPrefix(head, []byte("<!")):
			end := []byte(">")
			if bytes.HasPrefix(head, []byte("<!--")) {
				end = []byte("-->")
			}
			i := bytes.Index(head, end)
			if i < 0 {
				return false
			}
			head = head[i+len(end):]
		default:
			return false
		}
	}
}

// otherImageAdvice ends the line of download_file that names such an image.
const otherImageAdvice = "model APIs do not take it as an image: convert it to PNG with code to see it."
