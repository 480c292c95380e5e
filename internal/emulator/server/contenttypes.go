package server

import (
	"path"
	"strings"
)

// contentTypes maps lower-case extensions to the media type the emulator
// reports, in listings and downloads alike. The emulator keeps its own
// table instead of the host's mime database (/etc/mime.types, the Windows
// registry), so that answers are the same on every machine; the values
// follow the IANA registrations and the spec's example (.yaml is
// application/yaml). Text types carry charset=utf-8, as a local
// container's download of a .md file did.
var contentTypes = map[string]string{
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

// octetStream is the type of a file whose extension the table lacks.
const octetStream = "application/octet-stream"

// contentTypeOf gives a file's media type from its extension (any casing),
// as the service reports it; application/octet-stream when unknown.
// Contents are never sniffed: that would mean reading every listed file.
func contentTypeOf(name string) string {
	t, ok := contentTypes[strings.ToLower(path.Ext(name))]
	if !ok {
		return octetStream
	}
	if strings.HasPrefix(t, "text/") {
		return t + "; charset=utf-8"
	}
	return t
}
