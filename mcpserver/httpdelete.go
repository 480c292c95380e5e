package mcpserver

import "net/http"

// stopCallsOnDelete stops the calls in progress of the MCP session a DELETE
// ends before the SDK closes the session: its close waits for them, so the
// DELETE, and the deletion of the session's sandbox, would wait for the
// longest run. It then waits for the session's POST requests to end, so
// that each stopped call's isError result reaches the client on its stream:
// the SDK's close would drop it. It must see only requests that carry the
// token, and it stops nothing when the SDK would refuse the DELETE (a Host
// or protocol version header it does not accept): the session then goes
// on, and its calls with it.
func (s *Server) stopCallsOnDelete(next http.Handler) http.Handler {
	posts := &sessionPosts{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if id := r.Header.Get("Mcp-Session-Id"); r.Method == http.MethodDelete && id != "" && deleteReachesLookup(next, r) {
			s.endSessionCalls(id, errSessionEnded)
			posts.wait(r.Context(), id)
		}
		posts.serve(next, w, r)
	})
}

// probeSessionID names no MCP session: the SDK's identifiers are base32
// letters and digits, without spaces.
const probeSessionID = "azsessions probe: not a session"

// deleteReachesLookup reports whether next, the SDK's handler, would take the
// DELETE r as far as looking up its session, past the checks it makes of
// every request. It asks next to end a session that cannot exist, with r's
// other headers: a 404 is the lookup's answer, anything else a check's
// refusal (or an SDK that answers differently, and then the DELETE waits for
// the calls as it would without this handler).
func deleteReachesLookup(next http.Handler, r *http.Request) bool {
	probe := r.Clone(r.Context())
	probe.Header.Set("Mcp-Session-Id", probeSessionID)
	probe.Body = http.NoBody
	w := &statusRecorder{header: http.Header{}}
	next.ServeHTTP(w, probe)
	return w.status == http.StatusNotFound
}

// statusRecorder is an http.ResponseWriter that keeps only the status.
type statusRecorder struct {
	header http.Header
	status int
}

func (w *statusRecorder) Header() http.Header { return w.header }

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return len(b), nil
}

func (w *statusRecorder) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}
