package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// route is one operation of the contract. The emulator routes by hand
// rather than with http.ServeMux because the same path means different
// operations in the two api-version families (GET /files), because
// /files/content/{name} (legacy) and /files/{name}/content (v2) overlap,
// and because every miss must answer in the service's JSON error shape.
type route struct {
	method   string
	segs     []string // literal segments, or "{param}"
	versions versionSet
	// identifier: the operation acts on one session and requires the
	// identifier query parameter.
	identifier bool
	handle     func(*call) error
}

// call is one request being served, after routing and validation.
type call struct {
	s          *Server
	w          http.ResponseWriter
	r          *http.Request
	query      url.Values
	version    string
	identifier string
	params     map[string]string
	start      time.Time
}

func (s *Server) routes() []route {
	return []route{
		{http.MethodPost, segs("executions"), v2Versions, true, (*call).execute},
		{http.MethodGet, segs("executions", "{id}"), v2Versions, true, (*call).getExecution},
		{http.MethodPost, segs("files"), v2Versions, true, (*call).uploadFile},
		{http.MethodGet, segs("files"), v2Versions, true, (*call).listFiles},
		{http.MethodGet, segs("files", "{name}"), v2Versions, true, (*call).getFile},
		{http.MethodDelete, segs("files", "{name}"), v2Versions, true, (*call).deleteFile},
		{http.MethodGet, segs("files", "{name}", "content"), v2Versions, true, (*call).fileContent},
		{http.MethodGet, segs("session"), sessionVersions, true, (*call).getSession},
		{http.MethodDelete, segs("session"), sessionVersions, true, (*call).deleteSession},
		{http.MethodGet, segs("listSessions"), sessionVersions, false, (*call).listSessions},
		{http.MethodGet, segs("metadata"), sessionVersions, false, (*call).metadata},
		{http.MethodPost, segs(".management", "stopSession"), managementVersions, true, (*call).stopSession},
		{http.MethodPost, segs(".management", "getSession"), managementVersions, true, (*call).managementGetSession},
		{http.MethodPost, segs(".management", "listSessions"), managementVersions, false, (*call).managementListSessions},
		// Legacy family (2024-02-02-preview, 2024-08-02-preview).
		{http.MethodPost, segs("code", "execute"), legacyVersions, true, (*call).legacyExecute},
		// The first preview's route; the identifier may be in the body.
		{http.MethodPost, segs("python", "execute"), legacyVersions, false, (*call).pythonExecute},
		{http.MethodPost, segs("files", "upload"), legacyVersions, true, (*call).legacyUpload},
		{http.MethodGet, segs("files"), legacyVersions, true, (*call).legacyListFiles},
		{http.MethodGet, segs("files", "content", "{name}"), legacyVersions, true, (*call).fileContent},
	}
}

func segs(s ...string) []string { return s }

// match reports whether path segments p fit the route's pattern, and the
// values of its parameters.
func (rt *route) match(p []string) (map[string]string, bool) {
	if len(p) != len(rt.segs) {
		return nil, false
	}
	var params map[string]string
	for i, seg := range rt.segs {
		if strings.HasPrefix(seg, "{") {
			if params == nil {
				params = map[string]string{}
			}
			params[strings.Trim(seg, "{}")] = p[i]
			continue
		}
		if seg != p[i] {
			return nil, false
		}
	}
	return params, true
}

// splitPath splits the escaped request path into unescaped segments, so that
// a file name holding "%2F" arrives as one segment containing "/" (and is
// then refused by name validation) instead of being taken as two segments.
func splitPath(r *http.Request) ([]string, error) {
	p := strings.Trim(r.URL.EscapedPath(), "/")
	if p == "" {
		return nil, nil
	}
	raw := strings.Split(p, "/")
	out := make([]string, len(raw))
	for i, s := range raw {
		u, err := url.PathUnescape(s)
		if err != nil {
			return nil, err
		}
		out[i] = u
	}
	return out, nil
}

// dispatch serves the request and writes the error serve returns.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	if err := s.serve(w, r); err != nil {
		writeError(w, err)
	}
}

// serve authenticates, routes and validates the common query parameters,
// in the order a front door would: who you are, what you asked for, which
// version, which session; then it runs the operation.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) *apiError {
	start := time.Now()
	if ae := s.authorize(r); ae != nil {
		return ae
	}
	p, err := splitPath(r)
	if err != nil {
		return badRequest("the request path is not validly escaped")
	}
	candidates, ae := s.routesFor(r, p)
	if ae != nil {
		return ae
	}
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return badRequest("the query string is not validly escaped")
	}
	version, ae := requestVersion(query)
	if ae != nil {
		return ae
	}
	rt := routeForVersion(candidates, version)
	if rt == nil {
		return newError(http.StatusBadRequest, CodeRequestNotSupported, "%s %s is not supported in api-version %s", r.Method, r.URL.Path, version)
	}
	params, _ := rt.match(p)
	c := &call{s: s, w: w, r: r, query: query, version: version, params: params, start: start}
	if rt.identifier {
		if c.identifier, ae = requiredIdentifier(query); ae != nil {
			return ae
		}
	}
	return asAPIError(rt.handle(c))
}

// routesFor returns the routes that serve path p with the request's method
// (HEAD as GET): 404 when no route has the path, 405 with Allow when none
// has the method.
func (s *Server) routesFor(r *http.Request, p []string) ([]*route, *apiError) {
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	var allow []string
	var candidates []*route
	for i := range s.routeTable {
		rt := &s.routeTable[i]
		if _, ok := rt.match(p); !ok {
			continue
		}
		if !slices.Contains(allow, rt.method) {
			allow = append(allow, rt.method)
		}
		if rt.method == method {
			candidates = append(candidates, rt)
		}
	}
	switch {
	case len(allow) == 0:
		return nil, newError(http.StatusNotFound, CodeNotFound, "no operation is served at %s", r.URL.Path)
	case len(candidates) == 0:
		return nil, newError(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "%s is not allowed on %s", r.Method, r.URL.Path).
			with("Allow", strings.Join(allow, ", "))
	}
	return candidates, nil
}

// requestVersion reads the required api-version and checks the emulator
// knows it.
func requestVersion(query url.Values) (string, *apiError) {
	version, ae := oneValue(query, queryAPIVersion)
	if ae != nil {
		return "", ae
	}
	if version == "" {
		return "", badRequest("the api-version query parameter is required")
	}
	if !knownVersion(version) {
		return "", badRequest("api-version %q is not supported; use one of %s, %s, %s (or legacy %s, %s)",
			version, V20251002Preview, V20250202Preview, V20241002Preview, V20240802Preview, V20240202Preview)
	}
	return version, nil
}

// routeForVersion picks the candidate that serves version, or nil.
func routeForVersion(candidates []*route, version string) *route {
	for _, rt := range candidates {
		if rt.versions[version] {
			return rt
		}
	}
	return nil
}

// requiredIdentifier reads and checks the identifier query parameter.
func requiredIdentifier(query url.Values) (string, *apiError) {
	id, ae := oneValue(query, queryIdentifier)
	if ae != nil {
		return "", ae
	}
	if id == "" {
		return "", badRequest("the identifier query parameter is required")
	}
	if err := validIdentifier(id); err != nil {
		return "", err
	}
	return id, nil
}

// oneValue is the value of the query parameter name ("" when absent). A
// name given twice with different values is refused: which one the service
// takes is unknown, and taking either would hide the client's mistake (two
// identifiers name two sessions).
func oneValue(query url.Values, name string) (string, *apiError) {
	vs := query[name]
	if len(vs) == 0 {
		return "", nil
	}
	for _, v := range vs[1:] {
		if v != vs[0] {
			return "", badRequest("the %s query parameter is given more than once, with different values", name)
		}
	}
	return vs[0], nil
}

// asAPIError turns an operation's error into its answer: an *apiError as
// it is, anything else as a 500.
func asAPIError(err error) *apiError {
	if err == nil {
		return nil
	}
	if ae, ok := err.(*apiError); ok {
		return ae
	}
	return newError(http.StatusInternalServerError, CodeInternal, "%v", err)
}

// maxIdentifierLength is the spec's maxLength. The spec's patterns disagree
// with each other and with Learn, so the emulator only
// enforces what every source agrees on: 1 to 256 characters of UTF-8
// without control characters.
const maxIdentifierLength = 256

func validIdentifier(id string) *apiError {
	if !utf8.ValidString(id) {
		return badRequest("the identifier must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(id); n > maxIdentifierLength {
		return badRequest("the identifier must be 1 to %d characters long, got %d", maxIdentifierLength, n)
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return badRequest("the identifier must not contain control characters")
		}
	}
	return nil
}
