package agenttool_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// Arguments sent as strings by clients that send every argument as one:
// "true"/"false" for a boolean, "null" for null where no string is valid.
// A string argument keeps "null" as the text it is.
func TestFakeStringArguments(t *testing.T) {
	kit, pool := newFakeKit(t, nil, fixed(succeeded("ok", "", "")))
	s := kit.Session("c")
	r, err := s.Call(testContext(t), agenttool.ToolRunPython, json.RawMessage(`{"code":"x","timeout_seconds":" null "}`))
	require.NoError(t, err)
	require.False(t, r.IsError, r.Text)
	require.EqualValues(t, 60, *pool.requests[len(pool.requests)-1].TimeoutInSeconds, "the default")

	for arg, want := range map[string]string{`"True"`: "recursive", `"false"`: "", `"null"`: "", `null`: "", `true`: "recursive"} {
		pool.put(s.Identifier(), "d/f.txt", []byte("x"))
		r, err = s.Call(testContext(t), agenttool.ToolListFiles, json.RawMessage(`{"path":null,"recursive":`+arg+`}`))
		require.NoError(t, err)
		require.False(t, r.IsError, "%s: %s", arg, r.Text)
		if want != "" {
			require.Contains(t, r.Text, "/mnt/data/d/f.txt (1 byte)", arg)
		} else {
			require.NotContains(t, r.Text, "/mnt/data/d/f.txt", arg)
		}
	}
	for _, arg := range []string{`"yes"`, `1`, `{}`, `""`} {
		r, err = s.Call(testContext(t), agenttool.ToolListFiles, json.RawMessage(`{"path":null,"recursive":`+arg+`}`))
		require.NoError(t, err)
		require.True(t, r.IsError, arg)
		require.Equal(t, "status: error\nerror: recursive must be true or false, or null for false; got "+arg+"\n", r.Text)
	}

	_, err = s.Call(testContext(t), agenttool.ToolUploadFile, json.RawMessage(`{"path":"null","content":"n","encoding":"text"}`))
	require.NoError(t, err)
	pool.mu.Lock()
	defer pool.mu.Unlock()
	require.Contains(t, pool.files[s.Identifier()], "null", "a string argument's \"null\" is a name")
}
