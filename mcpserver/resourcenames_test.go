package mcpserver_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/mcpserver"
)

// expandPath fills a {+path} variable as the TypeScript SDK's UriTemplate
// does (encodeURI, RFC 6570 reserved expansion): reserved characters,
// '?' and '#' among them, stay as they are; everything else outside the
// unreserved set is percent-encoded as UTF-8.
func expandPath(name string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(";,/?:@&=+$-_.!~*'()#", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Every name a file can have in the listing reads back through the
// resource templates, filled as RFC 6570 says: '?' and '#' too, which
// reserved expansion leaves unencoded. They were taken for the URI's query
// and fragment, so "a#b.txt" read the file "a".
func TestResourceTemplatesRoundTripNames(t *testing.T) {
	f := newFixture(t, "", nil)
	cs := f.connect(t, nil)
	ctx := testContext(t)
	handle := call(t, cs, mcpserver.ToolNewSession, nil).StructuredContent.(map[string]any)["session"].(string)
	names := []string{"a b.txt", "a#b.txt", "a?b.txt", "q?x=1#top.txt", "50%.txt", "a%20b.txt", "naïve €.txt", "a+b.txt", "[x].txt", "d s/f#1.txt", "x;y=z,w.txt", `a"b<c>{d}|e^f` + "`.txt"}
	for _, name := range names {
		for _, sandbox := range []struct {
			session any
			prefix  string
		}{{nil, "azsessions://files/"}, {handle, "azsessions://sessions/" + handle + "/files/"}} {
			res := call(t, cs, agenttool.ToolUploadFile, map[string]any{"path": name, "content": "in " + name, "encoding": "text", "session": sandbox.session})
			require.False(t, res.IsError, text(res))
			uri := sandbox.prefix + expandPath(name)
			got, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
			if !assert.NoError(t, err, "%q as %s", name, uri) {
				continue
			}
			assert.Equal(t, "in "+name, got.Contents[0].Text, uri)
			assert.Equal(t, uri, got.Contents[0].URI)
		}
	}
}
