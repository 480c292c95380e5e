package mcpserver

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/seed-f3fa2c9d/azsessions/internal/mediatype"
)

// mediaType is the type of the file name with content data: from the
// shared table by extension (text types with charset=utf-8 when data is
// UTF-8), else sniffed from the content by the fixed rules of
// http.DetectContentType, so a file gets the same type on every machine.
func mediaType(name string, data []byte) string {
	t, ok := mediatype.ByExtension(name)
	if !ok {
		return http.DetectContentType(data)
	}
	if strings.HasPrefix(t, "text/") && utf8.Valid(data) {
		return t + "; charset=utf-8"
	}
	return t
}

// resourceType is the media type of a file read as a resource. An image a
// model can be shown (imageType, from its bytes) has the type of its bytes,
// and a file whose extension names such an image but whose bytes are none
// is typed by its content: a client hands an image/* blob to its model as
// an image, and model APIs refuse one whose bytes do not match its type.
func resourceType(name string, data []byte, imageType string) string {
	if imageType != "" {
		return imageType
	}
	t := mediaType(name, data)
	switch t {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
		return http.DetectContentType(data)
	}
	return t
}
