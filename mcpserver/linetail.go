package mcpserver

import (
	"bytes"
	"encoding/json"
)

// tailBytes is how much of the end of a line too long to keep the reader
// keeps: room for the last members of a request, such as the "id" the
// TypeScript SDK writes last, after "params".
const tailBytes = 4 << 10

// readTail reads the last top-level members of the object a line ends
// with, given tail, the end of that line: walking back from its closing
// brace, it reads members whose values are strings, numbers, true, false
// or null, and stops at any other value or where tail begins. The last
// "id" wins, as in readHead.
func readTail(tail []byte) head {
	var h head
	b, ok := bytes.CutSuffix(bytes.TrimRight(tail, jsonSpace), []byte("}"))
	for ok {
		var value, key []byte
		if value, b, ok = lastScalar(bytes.TrimRight(b, jsonSpace)); !ok {
			break
		}
		if b, ok = bytes.CutSuffix(bytes.TrimRight(b, jsonSpace), []byte(":")); !ok {
			break
		}
		if key, b, ok = lastString(bytes.TrimRight(b, jsonSpace)); !ok {
			break
		}
		h.note(key, value)
		b, ok = bytes.CutSuffix(bytes.TrimRight(b, jsonSpace), []byte(","))
	}
	return h
}

// jsonSpace is the white space JSON allows between tokens.
const jsonSpace = " \t\r\n"

// note records a member read walking back: the first "id" met is the
// object's last.
func (h *head) note(keyText, value []byte) {
	var key string
	if json.Unmarshal(keyText, &key) != nil {
		return
	}
	switch key {
	case "id":
		if !h.idKey {
			h.idKey, h.id = true, idText(value)
		}
	case "method":
		h.method = true
	case "result", "error":
		h.result = true
	}
}

// lastScalar splits b before the string, number, true, false or null it
// ends with; not ok for any other value, or one that may begin before b.
func lastScalar(b []byte) (value, rest []byte, ok bool) {
	if bytes.HasSuffix(b, []byte(`"`)) {
		return lastString(b)
	}
	i := bytes.LastIndexFunc(b, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r == '-' || r == '+' || r == '.' || r == 'E')
	})
	if i < 0 || i == len(b)-1 || !json.Valid(b[i+1:]) {
		return nil, nil, false
	}
	return b[i+1:], b[:i+1], true
}

// lastString splits b before the JSON string it ends with: its opening
// quote is the first, walking back, not escaped by an odd number of
// backslashes (a quote inside a string always is). Not ok when the quote,
// or a run of backslashes before it, reaches the start of b, which may not
// be the start of the line.
func lastString(b []byte) (str, rest []byte, ok bool) {
	if len(b) < 2 || b[len(b)-1] != '"' {
		return nil, nil, false
	}
	for i := len(b) - 2; i > 0; i-- {
		if b[i] != '"' {
			continue
		}
		start := i
		for start > 0 && b[start-1] == '\\' {
			start--
		}
		if start == 0 {
			return nil, nil, false
		}
		if (i-start)%2 == 0 {
			return b[i:], b[:i], true
		}
	}
	return nil, nil, false
}
