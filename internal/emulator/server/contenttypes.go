package server

import (
	"strings"

	"github.com/seed-f3fa2c9d/azsessions/internal/mediatype"
)

// octetStream is the type of a file whose extension the table lacks.
const octetStream = "application/octet-stream"

// contentTypeOf gives a file's media type from its extension (any casing),
// as the service reports it, in listings and downloads alike;
// application/octet-stream when unknown. Text types carry charset=utf-8, as
// a local container's download of a .md file did. Contents are never
// sniffed: that would mean reading every listed file.
func contentTypeOf(name string) string {
	t, ok := mediatype.ByExtension(name)
	if !ok {
		return octetStream
	}
	if strings.HasPrefix(t, "text/") {
		return t + "; charset=utf-8"
	}
	return t
}
