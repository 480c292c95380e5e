// Package mediatype is the one table of media types by file extension that
// the emulator and the MCP server use, instead of the host's mime database
// (/etc/mime.types, the Windows registry), so that a file gets the same type
// on every machine. The values follow the IANA registrations and the spec's
// example (.yaml is application/yaml).
package mediatype

import (
	"path"
	"strings"
)

var byExtension = map[string]string{
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
	".pdf": "application/pdf", ".rtf": "application/rtf",
	".zip": "application/zip", ".gz": "application/gzip", ".tgz": "application/gzip",
	".tar": "application/x-tar", ".bz2": "application/x-bzip2", ".xz": "application/x-xz",
	".7z":      "application/x-7z-compressed",
	".parquet": "application/vnd.apache.parquet",
	".xls":     "application/vnd.ms-excel",
	".xlsx":    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".doc":     "application/msword",
	".docx":    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".ppt":     "application/vnd.ms-powerpoint",
	".pptx":    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	".png":     "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".svg": "image/svg+xml", ".webp": "image/webp", ".bmp": "image/bmp",
	".tif": "image/tiff", ".tiff": "image/tiff", ".ico": "image/vnd.microsoft.icon",
	".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".flac": "audio/flac",
	".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime",
	".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
}

// ByExtension returns the media type of name from its extension, in any
// casing, and whether the table knows it. Text types come without a
// charset: the caller knows whether the content is UTF-8.
func ByExtension(name string) (string, bool) {
	t, ok := byExtension[strings.ToLower(path.Ext(name))]
	return t, ok
}
