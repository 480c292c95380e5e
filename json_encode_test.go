package azsessions

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	code, inline, sync := "print(\"hi\")\n\t\\ \x00\x1f é 😀 \u2028 <&>", CodeInputTypeInline, ExecutionTypeSynchronous
	timeout, maxLen, yes, no := int32(-5), int32(4096), true, false
	stdin := "line\r\n"
	bodies := []executionRequestBody{
		{},
		{CodeInputType: &inline, ExecutionType: &sync, Code: &code},
		{Code: &code, TimeoutInSeconds: &timeout, OutputStreamsMaxLength: &maxLen, UseEmptyKernel: &yes, ReturnJupyterFormatExecutionResult: &no},
		{ShellCommand: &code, ExecCommandAndArgs: []string{"ls", "-la", code}, Stdin: &stdin},
	}
	for _, b := range bodies {
		got := b.appendJSON(nil)
		var back, want executionRequestBody
		require.NoError(t, json.Unmarshal(got, &back), string(got))
		ref, err := json.Marshal(b)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(ref, &want))
		require.Equal(t, want, back, string(got))
	}
}

// FuzzAppendJSONString checks that any string, valid UTF-8 or not, encodes to
// JSON that decodes to what encoding/json would give.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", "\"\\", "\x00\x1f\x7f", "é😀", "\xff\xfe", "\u2028\u2029", "a\xc3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendJSONString(nil, s)
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%q encoded as invalid JSON %s: %v", s, got, err)
		}
		ref, _ := json.Marshal(s)
		var want string
		_ = json.Unmarshal(ref, &want)
		if back != want {
			t.Fatalf("%q: got %q, encoding/json gives %q", s, back, want)
		}
	})
}
