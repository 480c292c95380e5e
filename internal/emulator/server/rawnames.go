package server

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A session's code can make file names that are not valid UTF-8
// (open(b'\xff.txt', 'w')), which JSON cannot carry: encoding/json would
// show each bad byte as U+FFFD, a name that reaches no file. The Files API
// shows such a name percent-escaped instead (RFC 3986's spelling of a
// byte): every byte that is not part of a valid character, every '%' and
// the bytes of every control character become %XX, the rest stays
// ("a\xffb%.txt" is listed as "a%FFb%25.txt").
//
// Names with a control character ("a\tb.txt") or a backslash are escaped
// the same way ("a%09b.txt", "a%5Cb.txt"; the backslash too becomes %5C):
// requests refuse both in names, so shown as they are they would name
// nothing. Any other name that is valid UTF-8 is
// shown as it is, unless it reads as such an escape: "a%FF", which code
// can make beside "a\xff", is shown "a%25FF", escaped the same way, so no
// two files share a shown name. The rule (readsAsEscape) needs nothing but
// the name: its %XX unescape to a name that needs escaping (not UTF-8, a
// control character, a backslash), or to one that again reads as an escape ("a%25FF"
// is shown "a%2525FF"). Names in requests (a file name, each element of path,
// an upload's filename) are shown names and map back the same way, so
// each shown name reaches one file and each file has one shown name. A
// request's name that is not UTF-8 itself is no shown name: 400.

// displayName is raw, a name as the file system has it, as the API shows it.
func displayName(raw string) string {
	if !needsEscape(raw) {
		if _, escaped := readsAsEscape(raw); !escaped {
			return raw
		}
	}
	var b strings.Builder
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRuneInString(raw[i:])
		if (r == utf8.RuneError && size <= 1) || r == '%' || r == '\\' || unicode.IsControl(r) {
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
	if !strings.Contains(raw, "%") && !needsEscape(raw) {
		return raw
	}
	parts := strings.Split(raw, "/")
	for i, p := range parts {
		parts[i] = displayName(p)
	}
	return strings.Join(parts, "/")
}

// needsEscape reports whether a request could not name raw as it is: it
// is not valid UTF-8 or holds a control character or a backslash (which
// requests refuse, validName).
func needsEscape(raw string) bool {
	return !utf8.ValidString(raw) || controlOrBackslash(raw)
}

// readsAsEscape reports whether name, valid UTF-8, is what displayName
// makes of some other name, and returns that name: name holds only
// well-formed %XX escapes, and unescaped it is one path element (no '/'
// or NUL) that needs escaping or again reads as an escape. Each round
// unescapes at least one escape, so the loop ends.
func readsAsEscape(name string) (string, bool) {
	first := ""
	for s := name; strings.Contains(s, "%"); {
		raw, err := url.PathUnescape(s) // plain %XX decoding; '+' stays
		if err != nil || strings.ContainsAny(raw, "/\x00") {
			return "", false
		}
		if s == name {
			first = raw
		}
		if needsEscape(raw) {
			return first, true
		}
		s = raw
	}
	return "", false
}

// fsName is name, one element as a request spells it, as the file system
// has it: a name that reads as an escape unescaped, any other as it is.
// A name that is not valid UTF-8 is refused: no listing shows it; so is
// one longer than the file system takes (NAME_MAX), which is checked here,
// on the name mapped back, because a listing may show a name that fits
// with more bytes than that.
func fsName(name string) (string, error) {
	if !utf8.ValidString(name) {
		return "", badRequest("the name %q is not valid UTF-8: spell each byte that is not as %%XX, as file listings do", displayName(name))
	}
	if raw, ok := readsAsEscape(name); ok {
		name = raw
	}
	if len(name) > maxNameBytes {
		return "", errNameTooLong()
	}
	return name, nil
}

// fsPathOf is rel, a cleaned relative path as a request spells it, as the
// file system has it: each element as fsName maps it.
func fsPathOf(rel string) (string, error) {
	if rel == "" {
		return "", nil
	}
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		raw, err := fsName(p)
		if err != nil {
			return "", err
		}
		parts[i] = raw
	}
	return strings.Join(parts, "/"), nil
}
