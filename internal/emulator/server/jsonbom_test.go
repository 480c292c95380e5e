package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A JSON body that starts with a UTF-8 byte order mark (what Windows
// PowerShell 5's Out-File -Encoding utf8 and Notepad write, sent with
// curl --data-binary @file) is read as the document after it, as .NET's
// and Python's JSON readers of a stream take it; one mark only, and only
// at the start.
func TestJSONBodyWithByteOrderMark(t *testing.T) {
	e := newEnv(t, nil)
	const bom = "\ufeff"
	for name, tc := range map[string]struct {
		path, body string
		want       int
	}{
		"executions":        {"/executions", bom + `{"code":"print bom"}`, http.StatusOK},
		"legacy":            {"/code/execute", bom + `{"properties":{"code":"print bom"}}`, http.StatusOK},
		"python/execute":    {"/python/execute", bom + `{"properties":{"identifier":"bom","pythonCode":"print bom"}}`, http.StatusOK},
		"two marks":         {"/executions", bom + bom + `{"code":"print bom"}`, http.StatusBadRequest},
		"mark after spaces": {"/executions", " " + bom + `{"code":"print bom"}`, http.StatusBadRequest},
	} {
		t.Run(name, func(t *testing.T) {
			version := ""
			if name == "legacy" || name == "python/execute" {
				version = V20240202Preview
			}
			r := e.do(req{method: http.MethodPost, path: tc.path, query: ident("bom"), version: version,
				body: strings.NewReader(tc.body), ctype: "application/json"})
			require.Equal(t, tc.want, r.status, "%s", r.body)
			if tc.want == http.StatusOK {
				require.Contains(t, string(r.body), `"bom\n"`)
			}
		})
	}
}
