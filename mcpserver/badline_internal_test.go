package mcpserver

import (
	"encoding/json"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The answer to a refused line carries the id of the request in it, read
// from lines that are cut short or broken, and "id": null when the id cannot
// be trusted; a response gets no answer at all.
func TestErrorLineID(t *testing.T) {
	const noAnswer = "(no answer)"
	for _, c := range []struct{ line, want string }{
		{`{"jsonrpc":"2.0","id":7,"method":"ping"}`, `7`},
		{`{"jsonrpc":"2.0","id":"a\"b","method":"ping"}`, `"a\"b"`},
		{`{"jsonrpc":"2.0","id":1.5e3,"method":"ping"}`, `1.5e3`},
		{`{"jsonrpc":"2.0","method":"tools/call","id":8,"params":{"code":"x`, `8`},
		{`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"a":[1,{"id":9`, `8`},
		{`{"jsonrpc":"2.0","id":8,"params":{"method":"x"},"method":"ping"} trailing`, `8`},
		{`{"jsonrpc":"2.0","id":8,"params":{"x":1`, `null`},          // breaks before "method"
		{`{"jsonrpc":"2.0","id":8,"result":{}}`, noAnswer},           // a response
		{`{"jsonrpc":"2.0","id":8,"result":{"x":`, noAnswer},         // a response, cut short
		{`{"jsonrpc":"2.0","id":8,"params":{"method":"x"}}`, `null`}, // a "method" inside
		{`{"jsonrpc":"2.0","id":null,"method":"ping"}`, `null`},      // a notification
		{`{"jsonrpc":"2.0","id":[8],"method":"ping"}`, `null`},       // not an id
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"x"}`, `null`},      // not an id
		{`{"jsonrpc":"2.0","id":8,"id":true,"method":"x"}`, `null`},  // the last one counts
		{`[{"jsonrpc":"2.0","id":8,"method":"ping"}]`, `null`},
		{`8`, `null`},
		{`{"jsonrpc":"2.0","id":8,"met`, `null`},
		{`{"id"`, `null`},
	} {
		answer := errorLine([]byte(c.line), jsonrpc.CodeParseError, "Parse error")
		if c.want == noAnswer {
			assert.Nil(t, answer, c.line)
			continue
		}
		var got struct {
			ID    json.RawMessage `json:"id"`
			Error struct {
				Code int `json:"code"`
			} `json:"error"`
		}
		require.NoError(t, json.Unmarshal(answer, &got), c.line)
		assert.Equal(t, c.want, string(got.ID), c.line)
		assert.Equal(t, jsonrpc.CodeParseError, got.Error.Code, c.line)
	}
}
