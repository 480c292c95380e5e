package mcpserver_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestIOTransportAnswersNoResponse sends responses the SDK cannot read, as a
// client does that could not read a line of the server's ("id": null, which
// JSON-RPC gives an error about a line it could not read): JSON-RPC answers
// no response, and an answer, itself an error with a null id, would be
// answered in turn by such a client, for ever. Only the ping after them is
// answered.
func TestIOTransportAnswersNoResponse(t *testing.T) {
	p := startStdio(t, 0)
	for _, line := range []string{
		`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}`,
		`{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Invalid Request"}}`,
		`{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"}}`,
		`{"jsonrpc":"2.0","id":5,"error":"not an error object"}`,
		`{"jsonrpc":"2.0","id":null,"result":{}}`,
		`{"jsonrpc":"2.0","id":6,"error":{"code":-32603,"mess`, // cut short
		`[{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}]`,
	} {
		p.send(t, line)
		p.send(t, `{"jsonrpc":"2.0","id":"after","method":"ping"}`)
		assert.Equal(t, `{"jsonrpc":"2.0","id":"after","result":{}}`, p.next(t), "the first line after %s", line)
	}
	assert.Len(t, p.logs.attrs("refused an input line that is not a JSON-RPC message", "reason"), 7, "each is logged")
}
