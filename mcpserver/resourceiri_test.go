package mcpserver_test

import (
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// Names outside ASCII read back as the file they name, whether the URI
// holds them as they are (an IRI, as user interfaces show them), or
// escaped as FileURI does, byte by byte of their UTF-8. The SDK's template
// match refused the first ("Resource not found"). A URI expanded with
// github.com/yosida95/uritemplate, which escapes code points ("é" as
// "%E9"), is refused with a sentence saying how to escape; it cannot be
// read right in general ("䅁", U+4141, comes out as "%41%41", the name
// "AA"), which is why FileURI exists.
func TestResourceNamesOutsideASCII(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	ctx := testContext(t)
	handle := call(t, cs, mcpserver.ToolNewSession, nil).StructuredContent.(map[string]any)["session"].(string)
	names := []string{"données.csv", "䅁.txt", "AA.txt", "naïve €.txt", "日本/報告 1.txt", "50%.txt", "a b#c?.txt"}
	for _, session := range []string{"", handle} {
		for _, name := range names {
			res := call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": name, "content": "in " + name, "encoding": "text", "session": nilIfEmpty(session)})
			require.False(t, res.IsError, text(res))
		}
		prefix := strings.TrimSuffix(mcpserver.FileURI(session, "x"), "x")
		for _, name := range names {
			for _, uri := range []string{mcpserver.FileURI(session, name), prefix + name} {
				got, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
				if !assert.NoError(t, err, "%q as %s", name, uri) {
					continue
				}
				assert.Equal(t, "in "+name, got.Contents[0].Text, uri)
				assert.Equal(t, uri, got.Contents[0].URI, "the answer names the URI the client sent")
			}
		}
	}

	for _, uri := range []string{"azsessions://files/absent é.txt", `azsessions://files/a\b.txt`} {
		_, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
		require.Error(t, err, "%s: a refusal, not a panic", uri)
	}

	// github.com/yosida95/uritemplate/v3 v3.0.2's expansion of FileTemplate
	// with "données.csv".
	const expanded = "azsessions://files/donn%E9es.csv"
	_, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: expanded})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not UTF-8 once its escapes are decoded")
	assert.Contains(t, err.Error(), "é is %C3%A9")
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
