package mcpserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"unicode/utf8"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// batchRefusal answers each request of a batch.
const batchRefusal = "Invalid Request: batches are not supported (MCP removed them in 2025-06-18); send each message on its own line"

// judge reads line, a non-blank line without its newline (cut at limit
// when tooLong, and then tail is the line's end): it returns the message it
// holds, decoded as the SDK's transport decodes one, or else a few words
// for the log saying why not, with the line's answer (nil when it needs
// none).
func judge(line, tail []byte, tooLong bool, limit int) (msg jsonrpc.Message, refused string, answer []byte) {
	switch {
	case tooLong:
		return nil, "longer than the limit", answerLine(readHead(line, true).withTail(readTail(tail)), jsonrpc.CodeInvalidRequest,
			fmt.Sprintf("Invalid Request: the line is longer than %d bytes, the most this server reads", limit))
	case !utf8.Valid(line):
		// JSON text is UTF-8 (RFC 8259); the SDK would pass other bytes in
		// a string on as U+FFFD, changing the code a model wrote.
		return nil, "not UTF-8", errorLine(line, jsonrpc.CodeParseError, "Parse error: the line is not valid UTF-8")
	case !json.Valid(line):
		return nil, "not JSON", errorLine(line, jsonrpc.CodeParseError, "Parse error: the line is not one JSON value")
	}
	switch line[0] {
	case '{':
		msg, err := jsonrpc.DecodeMessage(line)
		if err != nil {
			return nil, "not a JSON-RPC message", errorLine(line, jsonrpc.CodeInvalidRequest, "Invalid Request: "+err.Error())
		}
		return msg, "", nil
	case '[':
		return nil, "a batch", batchAnswer(line)
	default:
		return nil, "not an object", errorLine(line, jsonrpc.CodeInvalidRequest, "Invalid Request: a JSON-RPC message is a JSON object")
	}
}

// batchAnswer is the answer to a batch, valid JSON: one error per request
// in it (not for notifications or responses, which get none), in one array
// as JSON-RPC answers a batch; nil if that leaves none.
func batchAnswer(line []byte) []byte {
	var items []json.RawMessage
	if err := json.Unmarshal(line, &items); err != nil || len(items) == 0 {
		return errorLine(line, jsonrpc.CodeInvalidRequest, "Invalid Request: an empty batch")
	}
	var answers [][]byte
	for _, item := range items {
		if msg, err := jsonrpc.DecodeMessage(item); err == nil {
			if req, ok := msg.(*jsonrpc.Request); !ok || !req.IsCall() {
				continue
			}
		}
		if h := readHead(item, false); !h.isResponse() {
			answers = append(answers, errorResponse(h.answerID(), jsonrpc.CodeInvalidRequest, batchRefusal))
		}
	}
	if answers == nil {
		return nil
	}
	var b bytes.Buffer
	b.WriteByte('[')
	b.Write(bytes.Join(answers, []byte{','}))
	b.WriteString("]\n")
	return b.Bytes()
}

// head is what the top level of an object shows before it breaks.
type head struct {
	id     json.RawMessage // the last "id", if a number or a string
	idKey  bool            // an "id" key
	method bool            // a "method" key
	result bool            // a "result" or an "error" key, even cut short
}

// withTail is h, read from the start of a line, with what readTail read
// from its end, whose "id", if any, comes last.
func (h head) withTail(t head) head {
	if t.idKey {
		h.id, h.idKey = t.id, true
	}
	h.method = h.method || t.method
	h.result = h.result || t.result
	return h
}

// answerID is the id of an answer to the object h was read from: its
// top-level "id" beside a "method", read up to where the line breaks. It is
// nil, for a null id in the answer, when the line is not an object, has no
// "method" (a response cannot be answered) or breaks before either, or when
// the id is neither a number nor a string.
func (h head) answerID() json.RawMessage {
	if !h.method {
		return nil
	}
	return h.id
}

// isResponse tells whether the object h was read from is a response: a
// "result" or an "error" and no "method". JSON-RPC answers no response, not
// even one it cannot read: a client that answers the error with an "id":
// null of its own (as a peer that cannot read a line does) would otherwise
// start an exchange of errors that never ends.
func (h head) isResponse() bool { return h.result && !h.method }

// readHead reads the top-level keys of the object in line, up to where the
// line breaks; the zero head if line is not an object. When line was cut
// short (cut), a number reaching its end is not read: it may go on past the
// cut (an "id" of 12345 cut after 12), and a wrong id is worse than null,
// as it may name another call of the client's. A string's closing quote
// ends it, so one reaching the cut is read.
func readHead(line []byte, cut bool) head {
	var h head
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return h
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			break
		}
		// A response's key counts even when its value breaks: a response
		// cut short is still not to be answered.
		h.result = h.result || key == "result" || key == "error"
		var value json.RawMessage
		if dec.Decode(&value) != nil || cut && dec.InputOffset() == int64(len(line)) && isNumber(value) {
			break
		}
		switch key {
		case "id":
			h.id, h.idKey = idText(value), true
		case "method":
			h.method = true
		}
	}
	return h
}

// isNumber tells whether value, a JSON value, is a number.
func isNumber(value json.RawMessage) bool {
	return value[0] == '-' || value[0] >= '0' && value[0] <= '9'
}

// idText is value as the id of an answer: a number as it is, a string
// re-encoded, nil for any other value.
func idText(value json.RawMessage) json.RawMessage {
	var s string
	switch {
	case value[0] == '"' && json.Unmarshal(value, &s) == nil:
		id, _ := json.Marshal(s)
		return id
	case isNumber(value):
		return value
	}
	return nil
}

// errorLine is the answer to line, refused: errorResponse as a line, with
// the id of the request line holds, or nil when line is a response. The
// line is read once for both.
func errorLine(line []byte, code int, message string) []byte {
	return answerLine(readHead(line, false), code, message)
}

// answerLine is errorLine for the line h was read from.
func answerLine(h head, code int, message string) []byte {
	if h.isResponse() {
		return nil
	}
	return append(errorResponse(h.answerID(), code, message), '\n')
}

// errorResponse is a JSON-RPC error response. It is not built with the
// SDK's jsonrpc.EncodeMessage, which leaves out a null id, where JSON-RPC
// wants "id": null.
func errorResponse(id json.RawMessage, code int, message string) []byte {
	if id == nil {
		id = json.RawMessage("null")
	}
	type wireError struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	b, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   wireError       `json:"error"`
	}{"2.0", id, wireError{code, message}})
	if err != nil {
		// Not seen: id is JSON text the decoder produced, and Marshal
		// mends bad UTF-8 in message.
		return []byte(`{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"Internal error"}}`)
	}
	return b
}
