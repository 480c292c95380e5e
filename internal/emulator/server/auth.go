package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// authorize checks the bearer token. The emulator cannot validate Entra ID
// tokens, so it accepts any non-empty bearer token unless Config.Token pins
// one; what it does check is what a misconfigured client gets wrong (no
// header, another scheme, an empty token).
func (s *Server) authorize(r *http.Request) *apiError {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	switch {
	case h == "":
		return unauthorized("the Authorization header is missing")
	case !ok || !strings.EqualFold(scheme, "Bearer") || token == "":
		return unauthorized("the Authorization header must be 'Bearer <token>'")
	case s.cfg.Token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.cfg.Token)) != 1:
		return unauthorized("the bearer token is not the one this emulator accepts")
	}
	return nil
}

func unauthorized(msg string) *apiError {
	return newError(http.StatusUnauthorized, CodeUnauthorized, "%s", msg).with("WWW-Authenticate", "Bearer")
}
