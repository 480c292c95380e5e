package mcpserver

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readTail reads the id a request writes last from the end of a line,
// walking back over plain members only, and trusts nothing that may begin
// before the part it was given.
func TestReadTail(t *testing.T) {
	for _, c := range []struct {
		tail, id string
		method   bool
	}{
		{`xx"},"jsonrpc":"2.0","id":12}`, `12`, false},
		{`xx"},"jsonrpc":"2.0","id":"a\"}b"} `, `"a\"}b"`, false},
		{`x"},"method":"ping" , "id" : -1.5E3 }` + "\r", `-1.5E3`, true},
		{`x"},"id":1,"id":2}`, `2`, false},         // the last "id" wins
		{`x"},"id":true}`, ``, false},              // not an id
		{`x", "id":13}}`, ``, false},               // inside params
		{`x"},"id":16,"more":{"a":1}}`, ``, false}, // stops at an object
		{`x"},"id":17,"more":[1]}`, ``, false},     // and at an array
		{`"id":18}`, ``, false},                    // the key may continue before the tail
		{`\\"id":19}`, ``, false},                  // so may the backslashes
		{`8}`, ``, false},                          // and the number
		{`x"},"id":20`, ``, false},                 // no closing brace
		{`x"},"id":"a\\"}`, `"a\\"`, false},        // an escaped backslash before the quote
		{`x"},"id":"a\\\"b"}`, `"a\\\"b"`, false},
	} {
		h := readTail([]byte(c.tail))
		assert.Equal(t, c.id, string(h.id), c.tail)
		assert.Equal(t, c.method, h.method, c.tail)
	}
}

// The reader keeps the last tailBytes of a line longer than its limit,
// across the reads of its buffer, and none of a line within the limit.
func TestLineReaderKeepsTheTail(t *testing.T) {
	long := strings.Repeat("0123456789", 20_000) + "END"
	short := strings.Repeat("y", 150) + "end"
	r := newLineReader(strings.NewReader(long+"\n"+short+"\n"+"ok\n"), 100)

	line, size, err := r.next()
	require.NoError(t, err)
	assert.Equal(t, len(long), size)
	assert.Equal(t, long[:100], string(line))
	assert.Equal(t, long[len(long)-tailBytes:], string(r.tail))

	_, size, err = r.next()
	require.NoError(t, err)
	assert.Equal(t, len(short), size)
	assert.Equal(t, short, string(r.tail), "a line shorter than tailBytes, whole")

	line, _, err = r.next()
	require.NoError(t, err)
	assert.Equal(t, "ok", string(line))
	assert.Empty(t, r.tail)
}
