package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// A request that names two sessions (identifier twice, with different
// values) or two api-versions is refused: taking either value would hide
// the client's mistake, and which one the service takes is unknown. The
// same value twice is one value. Nothing is allocated by the refusals.
func TestTwoIdentifiersOrVersionsAreABadRequest(t *testing.T) {
	e := newEnv(t, nil)
	body := `{"properties":{"pythonCode":"print 1"}}`
	for name, r := range map[string]req{
		"two identifiers": {path: "/files", query: url.Values{"identifier": {"a", "b"}}},
		"two versions": {path: "/files", version: "-",
			query: url.Values{"identifier": {"a"}, "api-version": {V20251002Preview, V20241002Preview}}},
		"/python/execute, two in the query": {method: http.MethodPost, path: "/python/execute", version: V20240202Preview,
			query: url.Values{"identifier": {"a", "b"}}, ctype: "application/json", body: strings.NewReader(body)},
	} {
		resp := e.do(r)
		require.Equal(t, http.StatusBadRequest, resp.status, "%s: %s", name, resp.body)
		require.Equal(t, CodeValidationFailed, resp.errorCode(t), name)
	}
	require.Equal(t, 0, e.factory.live(), "a refused request allocated a session")
	resp := e.do(req{path: "/files", query: url.Values{"identifier": {"a", "a"}}})
	require.Equal(t, http.StatusOK, resp.status, "the same identifier twice: %s", resp.body)
}
