package agenttool

import (
	"bytes"
	"cmp"
	"encoding/json"
	"strings"
)

// Some clients send every argument as a string, whatever its schema type:
// the MCP Inspector's CLI converts a value by the property's type only when
// the type is a single string, so the strict schemas' [T, "null"] get
// `"true"`, `"30"` and `"null"`. The schemas stay strict (strict-mode APIs
// require it); the toolkit reads those strings where no string is a valid
// value, so the reading is never ambiguous: "null" is null for a number or a
// boolean, never for a string argument, where "null" may be a file's name.

// isNull reports whether an optional argument that takes no string is
// absent: missing, JSON null, or the string "null".
func isNull(raw *json.RawMessage) bool {
	return raw == nil || argWord(*raw) == "null"
}

// argWord is an argument's JSON text with spaces trimmed, or, for a JSON
// string, the text it holds, trimmed and in lower case.
func argWord(raw json.RawMessage) string {
	text := bytes.TrimSpace(raw)
	var s string
	if len(text) > 0 && text[0] == '"' && json.Unmarshal(text, &s) == nil {
		return strings.ToLower(strings.TrimSpace(s))
	}
	return string(text)
}

// modelBool reads a boolean argument: true, false, or null (or missing) for
// false, each also in a string ("true", "False", "null"). Anything else is
// a Result for the model that quotes the head of what was sent.
func modelBool(name string, raw *json.RawMessage) (bool, Result, bool) {
	if isNull(raw) {
		return false, Result{}, true
	}
	switch argWord(*raw) {
	case "true":
		return true, Result{}, true
	case "false":
		return false, Result{}, true
	}
	return false, errorResult("%s must be true or false, or null for false; got %s", name, argHead(string(bytes.TrimSpace(*raw)))), false
}

// maxArgHead is how many characters of an argument's JSON text a refusal
// quotes: a value can be thousands of characters long.
const maxArgHead = 40

// argHead is the head of an argument's JSON text, as a refusal quotes it.
func argHead(text string) string {
	if r := []rune(text); len(r) > maxArgHead {
		return string(r[:maxArgHead]) + "..."
	}
	return text
}

// numberInString is the whole number a JSON string holds ("30", " 30 "),
// as a JSON number, for clients and models that send numbers as strings
// (the MCP Inspector's CLI does); any other text is returned as it is, to
// be refused with the rest. Fractions in strings are not read: only the
// schema's integers are.
func numberInString(text string) string {
	var s string
	if !strings.HasPrefix(text, `"`) || json.Unmarshal([]byte(text), &s) != nil {
		return text
	}
	s = strings.TrimSpace(s)
	digits, negative := strings.CutPrefix(s, "-")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return text
	}
	// A JSON number has no leading zeros: "030" is 30.
	n := cmp.Or(strings.TrimLeft(digits, "0"), "0")
	if negative {
		n = "-" + n
	}
	return n
}
