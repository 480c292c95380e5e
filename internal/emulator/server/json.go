package server

import (
	"encoding/json"
	"net/http"
)

// writeJSON writes v as the whole response body. Encoding errors after the
// header is sent cannot be reported to the client; they only mean the
// connection broke.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
