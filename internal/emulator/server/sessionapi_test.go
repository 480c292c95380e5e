package server

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSessionGetAndDelete(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Cooldown = time.Hour })
	resp := e.do(req{path: "/session", query: ident("s")})
	require.Equal(t, http.StatusNotFound, resp.status)
	require.Equal(t, CodeSessionNotFound, resp.errorCode(t))

	guid := e.exec("s", map[string]any{"code": "print 1"}).header.Get(HeaderSessionGUID)
	e.upload("s", "", "kept.txt", "x")
	resp = e.do(req{path: "/session", query: ident("s")})
	require.Equal(t, http.StatusOK, resp.status)
	m := resp.json(t)
	require.Equal(t, "s", m["identifier"])
	require.Equal(t, guid, m["etag"])
	var times [3]time.Time
	for i, k := range []string{"createdAt", "lastAccessedAt", "expireAt"} {
		v := m[k].(string)
		require.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`, v, k)
		times[i], _ = time.Parse(time.RFC3339, v)
	}
	require.Equal(t, time.Hour, times[2].Sub(times[1]))
	require.False(t, times[1].Before(times[0]))

	resp = e.do(req{method: http.MethodDelete, path: "/session", query: ident("s")})
	require.Equal(t, http.StatusNoContent, resp.status)
	require.Equal(t, 0, e.factory.live(), "the process is gone")
	require.Equal(t, http.StatusNotFound, e.do(req{path: "/session", query: ident("s")}).status)
	require.Equal(t, http.StatusNoContent, e.do(req{method: http.MethodDelete, path: "/session", query: ident("s")}).status)

	// The same identifier then gets a fresh, empty session.
	require.Equal(t, http.StatusNotFound, e.do(req{path: "/files/kept.txt", query: ident("s")}).status)
	require.NotEqual(t, guid, e.exec("s", map[string]any{"code": "print 1"}).header.Get(HeaderSessionGUID))
}

func TestListSessionsPaging(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.ListPageSize = 2 })
	for i := range 5 {
		e.run(fmt.Sprintf("ls-%d", i), "print 1")
	}
	collect := func(method, path, key string) []string {
		var ids []string
		next := e.http.URL + path + "?" + url.Values{"api-version": {testVersion}}.Encode()
		for pages := 0; next != ""; pages++ {
			require.Less(t, pages, 10)
			u, err := url.Parse(next)
			require.NoError(t, err)
			r := e.do(req{method: method, path: u.Path, query: u.Query()})
			require.Equal(t, http.StatusOK, r.status, "%s", r.body)
			m := r.json(t)
			for _, v := range m[key].([]any) {
				ids = append(ids, v.(map[string]any)["identifier"].(string))
			}
			if key == "value" {
				require.Equal(t, float64(5), m["count"])
				require.Contains(t, v0(m[key]), "expiresAt")
			} else {
				require.Contains(t, v0(m[key]), "expireAt")
			}
			next, _ = m["nextLink"].(string)
		}
		return ids
	}
	want := []string{"ls-0", "ls-1", "ls-2", "ls-3", "ls-4"}
	require.Equal(t, want, collect(http.MethodGet, "/listSessions", "sessions"))
	require.Equal(t, want, collect(http.MethodPost, "/.management/listSessions", "value"))

	r := e.do(req{path: "/listSessions", query: url.Values{"skip": {"-1"}}})
	require.Equal(t, http.StatusBadRequest, r.status)
	r = e.do(req{path: "/listSessions", query: url.Values{"skip": {"99"}}})
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, []any{}, r.json(t)["sessions"])
	r = e.do(req{path: "/listSessions", query: url.Values{"offset": {"4"}, "limit": {"1"}}})
	require.Len(t, r.json(t)["sessions"], 1)
}

func v0(v any) map[string]any {
	l := v.([]any)
	if len(l) == 0 {
		return map[string]any{}
	}
	return l[0].(map[string]any)
}

func TestManagementRoutes(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.PoolName = "mypool" })
	for _, p := range []string{"/.management/getSession", "/.management/stopSession"} {
		resp := e.do(req{method: http.MethodPost, path: p, query: ident("m")})
		require.Equal(t, http.StatusBadRequest, resp.status, p)
		require.Equal(t, CodeSessionWithIDNotFound, resp.errorCode(t))
	}
	e.run("m", "print 1")
	resp := e.do(req{method: http.MethodPost, path: "/.management/getSession", query: ident("m"), version: V20240202Preview})
	require.Equal(t, http.StatusOK, resp.status)
	m := resp.json(t)
	require.Equal(t, "m", m["identifier"])
	require.Contains(t, m, "expiresAt")
	require.NotContains(t, m, "expireAt")

	resp = e.do(req{method: http.MethodPost, path: "/.management/stopSession", query: ident("m")})
	require.Equal(t, http.StatusOK, resp.status)
	require.Equal(t, "text/plain; charset=utf-8", resp.header.Get("Content-Type"))
	require.Equal(t, "Session m in session pool mypool stopped.", string(resp.body))
	require.Equal(t, 0, e.factory.live())
	require.Equal(t, http.StatusNotFound, e.do(req{path: "/session", query: ident("m")}).status)
}

func TestMetadata(t *testing.T) {
	e := newEnv(t, nil)
	resp := e.do(req{path: "/metadata"})
	require.Equal(t, http.StatusOK, resp.status)
	m := resp.json(t)
	require.Equal(t, []any{map[string]any{"name": "python", "version": "3.11.7"}}, m["runtimes"])
	require.Equal(t, []any{map[string]any{"name": "numpy", "version": "1.26.4"}}, m["preInstalledPackages"])
	k := m["jupyterKernel"].(map[string]any)
	for _, f := range []string{"name", "version", "projectUrl", "description"} {
		require.NotEmpty(t, k[f], f)
	}
	require.NotEmpty(t, m["createdAt"])
	require.NotEmpty(t, m["lastUpdatedAt"])
}
