package mcpserver

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// requestID reads the id of a request from lines that are cut short or
// broken, and gives none when the id cannot be trusted.
func TestRequestID(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{`{"jsonrpc":"2.0","id":7,"method":"ping"}`, `7`},
		{`{"jsonrpc":"2.0","id":"a\"b","method":"ping"}`, `"a\"b"`},
		{`{"jsonrpc":"2.0","id":1.5e3,"method":"ping"}`, `1.5e3`},
		{`{"jsonrpc":"2.0","method":"tools/call","id":8,"params":{"code":"x`, `8`},
		{`{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"a":[1,{"id":9`, `8`},
		{`{"jsonrpc":"2.0","id":8,"params":{"method":"x"},"method":"ping"} trailing`, `8`},
		{`{"jsonrpc":"2.0","id":8,"params":{"x":1`, ``}, // breaks before "method"
		{`{"jsonrpc":"2.0","id":8,"result":{}}`, ``},
		{`{"jsonrpc":"2.0","id":8,"params":{"method":"x"}}`, ``}, // a "method" inside            // a response
		{`{"jsonrpc":"2.0","id":null,"method":"ping"}`, ``},      // a notification
		{`{"jsonrpc":"2.0","id":[8],"method":"ping"}`, ``},       // not an id
		{`{"jsonrpc":"2.0","id":{"a":1},"method":"x"}`, ``},      // not an id
		{`{"jsonrpc":"2.0","id":8,"id":true,"method":"x"}`, ``},  // the last one counts
		{`[{"jsonrpc":"2.0","id":8,"method":"ping"}]`, ``},
		{`8`, ``},
		{`{"jsonrpc":"2.0","id":8,"met`, ``},
		{`{"id"`, ``},
	} {
		assert.Equal(t, c.want, string(requestID([]byte(c.line))), c.line)
	}
}
