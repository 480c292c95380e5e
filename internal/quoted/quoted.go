// Package quoted shortens a string a client or a model sent before a message
// quotes it, so that data sent where a name or a path goes (megabytes of
// it, at worst) is not echoed back into a model's context or onto the wire.
package quoted

import "unicode/utf8"

// MaxChars is how many characters of such a string a message quotes.
const MaxChars = 200

// Head is s as a message quotes it: its first MaxChars characters,
// and "..." when there were more.
func Head(s string) string {
	if utf8.RuneCountInString(s) <= MaxChars {
		return s
	}
	return string([]rune(s)[:MaxChars]) + "..."
}
