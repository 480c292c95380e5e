package server

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// Content types come from the emulator's own table, the same on every
// machine, in listings and downloads alike.
func TestContentTypesComeFromTheEmulatorsTable(t *testing.T) {
	e := newEnv(t, nil)
	for name, want := range map[string]string{
		"config.yaml":   "application/yaml",
		"config.YML":    "application/yaml",
		"data.CSV":      "text/csv; charset=utf-8",
		"notes.md":      "text/markdown; charset=utf-8",
		"table.parquet": "application/vnd.apache.parquet",
		"chart.png":     "image/png",
		"book.xlsx":     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"doc.json":      "application/json",
		// Debian's /etc/mime.types knows .deb; the emulator does not look.
		"package.deb": "application/octet-stream",
		"noext":       "application/octet-stream",
	} {
		m := e.upload("ct", "", name, "x").json(t)
		require.Equal(t, want, m["contentType"], name)
		resp := e.do(req{path: "/files/" + name + "/content", query: ident("ct")})
		require.Equal(t, http.StatusOK, resp.status)
		require.Equal(t, want, resp.header.Get("Content-Type"), name)
	}
}
