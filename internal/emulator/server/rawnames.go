package server

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A session's code can make file names that are not valid UTF-8
// (open(b'\xff.txt', 'w')), which JSON cannot carry: encoding/json would
// show each bad byte as U+FFFD, a name that reaches no file. The Files API
// shows such a name percent-escaped instead (RFC 3986's spelling of a
// byte): in a name that is not valid UTF-8, every byte that is not part of
// a valid character, every '%' and the bytes of every control character
// become %XX, the rest stays ("a\xffb%.txt" is listed as "a%FFb%25.txt").
// Names that are valid UTF-8 are shown as they are. A request that names a
// file so (get, content, delete, or a directory in path) reaches it: the
// literal name is looked up first, and the unescaped one only where the
// literal names nothing and unescaping gives a name that is not UTF-8 (so
// it is no name a listing shows as it is).

// displayName is raw, a name as the file system has it, as the API shows it.
func displayName(raw string) string {
	if utf8.ValidString(raw) {
		return raw
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		if (r == utf8.RuneError && size <= 1) || r == '%' || unicode.IsControl(r) {
			for _, c := range []byte(raw[i : i+size]) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		} else {
			b.WriteString(raw[i : i+size])
		}
		i += size
	}
	return b.String()
}

// displayPath is a slash-separated relative path with each element shown as
// displayName shows it.
func displayPath(raw string) string {
	if utf8.ValidString(raw) {
		return raw
	}
	parts := strings.Split(raw, "/")
	for i, p := range parts {
		parts[i] = displayName(p)
	}
	return strings.Join(parts, "/")
}

// rawName undoes displayName for a name that it escaped: false unless name
// holds well-formed %XX escapes only, and unescaped is not valid UTF-8 (a
// name displayName left as it was) and is one path element.
func rawName(name string) (string, bool) {
	if !strings.Contains(name, "%") {
		return "", false
	}
	raw, err := url.PathUnescape(name) // plain %XX decoding; '+' stays
	if err != nil {
		return "", false
	}
	if utf8.ValidString(raw) || strings.ContainsAny(raw, "/\x00") {
		return "", false
	}
	return raw, true
}

// resolveNames turns rel, a path as a request spells it (cleaned, relative
// to the area), into the file system's: each element that displayName
// escaped is unescaped where the literal element names nothing and the
// unescaped one names something. Elements without '%' cost nothing.
func (sess *session) resolveNames(rel string) string {
	if !strings.Contains(rel, "%") {
		return rel
	}
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		raw, ok := rawName(p)
		if !ok {
			continue
		}
		dir := strings.Join(parts[:i], "/")
		if _, err := sess.root.Lstat(joinRel(dir, p)); !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if _, err := sess.root.Lstat(joinRel(dir, raw)); err == nil {
			parts[i] = raw
		}
	}
	return strings.Join(parts, "/")
}
