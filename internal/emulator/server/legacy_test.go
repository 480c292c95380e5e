package server

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func (e *env) legacyExec(id, code string) map[string]any {
	e.t.Helper()
	resp := e.do(req{method: http.MethodPost, path: "/code/execute", query: ident(id), version: V20240202Preview,
		body:  jsonBody(map[string]any{"properties": map[string]any{"codeInputType": "inline", "executionType": "synchronous", "code": code}}),
		ctype: "application/json"})
	require.Equal(e.t, http.StatusOK, resp.status, "%s", resp.body)
	return resp.json(e.t)
}

func TestLegacyExecute(t *testing.T) {
	e := newEnv(t, nil)
	cases := []struct {
		code   string
		status string
		want   any
	}{
		{"value 42 42", "Success", float64(42)},
		{"value 3.5 3.5", "Success", 3.5},
		{"value True true", "Success", true},
		{`value '2024-05-04' "2024-05-04"`, "Success", "2024-05-04"},
		{"value {'sin_pi':1.2}", "Success", "{'sin_pi':1.2}"},
		{"print hello world", "Success", ""},
		{"none", "Success", ""},
		{"raise SyntaxError: illegal target", "Failure", nil},
	}
	for _, tc := range cases {
		m := e.legacyExec("legacy", tc.code)
		require.Equal(t, "1", m["$id"])
		p := m["properties"].(map[string]any)
		require.Equal(t, "2", p["$id"])
		require.Equal(t, tc.status, p["status"], tc.code)
		require.Equal(t, tc.want, p["result"], tc.code)
		require.Equal(t, tc.want, p["executionResult"], tc.code)
		require.Contains(t, p, "executionTimeInMilliseconds")
	}
	img := e.legacyExec("legacy", "image")["properties"].(map[string]any)["result"].(map[string]any)
	require.Equal(t, "image", img["type"])
	require.Equal(t, "png", img["format"])
	require.NotEmpty(t, img["base64_data"])

	// A flat body is refused on the legacy route.
	resp := e.do(req{method: http.MethodPost, path: "/code/execute", query: ident("legacy"), version: V20240802Preview,
		body: strings.NewReader(`{"code":"print 1"}`), ctype: "application/json"})
	require.Equal(t, http.StatusBadRequest, resp.status)
	require.Equal(t, CodePropertiesMissing, resp.errorCode(t))
}

func TestLegacyFiles(t *testing.T) {
	e := newEnv(t, nil)
	q := ident("lf")
	body, ct := multipartBody(t, [3]string{"file", "/mnt/data/test-file.txt", "hello"}, [3]string{"file", "second.txt", "22"})
	resp := e.do(req{method: http.MethodPost, path: "/files/upload", query: q, body: body, ctype: ct, version: V20240202Preview})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	m := resp.json(t)
	require.Equal(t, "1", m["$id"])
	v := m["value"].([]any)
	require.Len(t, v, 2)
	first := v[0].(map[string]any)
	require.Equal(t, "2", first["$id"])
	p := first["properties"].(map[string]any)
	require.Equal(t, "3", p["$id"])
	require.Equal(t, "test-file.txt", p["filename"])
	require.Equal(t, float64(5), p["size"])
	require.NotEmpty(t, p["lastModifiedTime"])
	require.Equal(t, "4", v[1].(map[string]any)["$id"])
	require.Equal(t, "5", v[1].(map[string]any)["properties"].(map[string]any)["$id"])

	// Directories are not files in the legacy list.
	e.upload("lf", "sub", "nested.txt", "n")
	resp = e.do(req{path: "/files", query: q, version: V20240802Preview})
	require.Equal(t, http.StatusOK, resp.status)
	var names []string
	for _, f := range resp.json(t)["value"].([]any) {
		names = append(names, f.(map[string]any)["properties"].(map[string]any)["filename"].(string))
	}
	require.Equal(t, []string{"second.txt", "test-file.txt"}, names)

	resp = e.do(req{path: "/files/content/test-file.txt", query: q, version: V20240202Preview})
	require.Equal(t, http.StatusOK, resp.status)
	require.Equal(t, "hello", string(resp.body))
	resp = e.do(req{path: "/files/content/missing.txt", query: q, version: V20240202Preview})
	require.Equal(t, http.StatusNotFound, resp.status)
	require.Equal(t, CodeFileNotFound, resp.errorCode(t))

	// v2 on the same path shape reads a file named "content" instead.
	e.upload("lf", "", "content", "named content")
	resp = e.do(req{path: "/files/content/content", query: q})
	require.Equal(t, "named content", string(resp.body))
}

func TestLegacyMultiFileUploadLimitIsPerFileAndAllOrNothing(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.MaxUploadBytes = 1000 })
	q := ident("many")
	list := func() []string {
		resp := e.do(req{path: "/files", query: q, version: V20240802Preview})
		require.Equal(t, http.StatusOK, resp.status)
		var names []string
		for _, f := range resp.json(t)["value"].([]any) {
			names = append(names, f.(map[string]any)["properties"].(map[string]any)["filename"].(string))
		}
		return names
	}
	// Three files of 700 bytes: 2,100 bytes in all, each under the limit.
	fill := strings.Repeat("x", 700)
	body, ct := multipartBody(t, [3]string{"file", "a.bin", fill}, [3]string{"file", "b.bin", fill}, [3]string{"file", "c.bin", fill})
	resp := e.do(req{method: http.MethodPost, path: "/files/upload", query: q, body: body, ctype: ct, version: V20240202Preview})
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Equal(t, []string{"a.bin", "b.bin", "c.bin"}, list())

	// The last file is over the limit: none of the three is stored.
	body, ct = multipartBody(t, [3]string{"file", "d.bin", "d"}, [3]string{"file", "e.bin", "e"}, [3]string{"file", "f.bin", strings.Repeat("x", 1001)})
	resp = e.do(req{method: http.MethodPost, path: "/files/upload", query: q, body: body, ctype: ct, version: V20240202Preview})
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.status, "%s", resp.body)
	require.Equal(t, []string{"a.bin", "b.bin", "c.bin"}, list(), "nothing of the failed upload is left")
	entries, err := os.ReadDir(e.sessionDir("many"))
	require.NoError(t, err)
	require.Len(t, entries, 3, "no temporary file is left either")
}

// A legacy upload stores at most maxUploadFiles files: each waits under a
// temporary name, and its entry in memory, until the last has arrived, so
// a body of endless tiny file parts would hold memory (and files) without
// bound. One more is a 400 and, as any failed upload, stores none.
func TestLegacyUploadFileCountIsBounded(t *testing.T) {
	e := newEnv(t, nil)
	q := ident("count")
	upload := func(n int) response {
		parts := make([][3]string, n)
		for i := range parts {
			parts[i] = [3]string{"file", fmt.Sprintf("f%03d.txt", i), "x"}
		}
		body, ct := multipartBody(t, parts...)
		return e.do(req{method: http.MethodPost, path: "/files/upload", query: q, body: body, ctype: ct, version: V20240202Preview})
	}
	resp := upload(maxUploadFiles + 1)
	require.Equal(t, http.StatusBadRequest, resp.status, "%s", resp.body)
	require.Equal(t, CodeValidationFailed, resp.errorCode(t))
	entries, err := os.ReadDir(e.sessionDir("count"))
	require.NoError(t, err)
	require.Empty(t, entries, "nothing of the refused upload is left")

	resp = upload(maxUploadFiles)
	require.Equal(t, http.StatusOK, resp.status, "%s", resp.body)
	require.Len(t, resp.json(t)["value"], maxUploadFiles)
}
