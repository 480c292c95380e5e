package mcpserver

import (
	"net/http"
	"path"
	"strings"
	"unicode/utf8"
)

// mediaTypes maps lower-case extensions to the media type a resource is
// served with. The server keeps its own table, rather than the host's mime
// database (/etc/mime.types, the Windows registry), so a file gets the
// same type on every machine. The values follow the IANA registrations, as
// the emulator's table does.
var mediaTypes = map[string]string{
	".txt": "text/plain", ".log": "text/plain", ".ini": "text/plain", ".cfg": "text/plain",
	".csv": "text/csv", ".tsv": "text/tab-separated-values",
	".md": "text/markdown", ".markdown": "text/markdown",
	".html": "text/html", ".htm": "text/html", ".css": "text/css",
	".js": "text/javascript", ".mjs": "text/javascript",
	".py": "text/x-python", ".r": "text/x-r",
	".json": "application/json", ".geojson": "application/geo+json",
	".ipynb": "application/x-ipynb+json", ".jsonl": "application/jsonl",
	".xml": "application/xml", ".yaml": "application/yaml", ".yml": "application/yaml",
	".toml": "application/toml", ".sql": "application/sql", ".sh": "application/x-sh",
	".pdf": "application/pdf", ".zip": "application/zip", ".gz": "application/gzip",
	".tar": "application/x-tar", ".parquet": "application/vnd.apache.parquet",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".png":  "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".svg": "image/svg+xml", ".webp": "image/webp", ".bmp": "image/bmp",
	".tif": "image/tiff", ".tiff": "image/tiff",
	".mp3": "audio/mpeg", ".wav": "audio/wav", ".mp4": "video/mp4",
}

// mediaType is the type of the file name with content data: from the
// table by extension (text types with charset=utf-8 when data is UTF-8),
// else sniffed from the content by the fixed rules of
// http.DetectContentType.
func mediaType(name string, data []byte) string {
	t, ok := mediaTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		return http.DetectContentType(data)
	}
	if strings.HasPrefix(t, "text/") && utf8.Valid(data) {
		return t + "; charset=utf-8"
	}
	return t
}
