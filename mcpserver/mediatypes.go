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
