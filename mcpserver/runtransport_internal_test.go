package mcpserver

import (
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/stretchr/testify/assert"
)

// onlyVersion is a transport that serves one protocol version.
type onlyVersion struct {
	mcp.Transport
	version string
}

func (t onlyVersion) SupportsProtocolVersion(v string) bool { return v == t.version }

// The transport Run wraps keeps saying which protocol versions it serves,
// so that the SDK does not advertise others; one that does not say serves
// every version, as the SDK assumes of it.
func TestRunTransportPassesOnItsVersions(t *testing.T) {
	wrapped := mcp.Transport(&runTransport{Transport: onlyVersion{version: "2025-06-18"}})
	pvs, ok := wrapped.(mcp.ProtocolVersionSupporter)
	if !assert.True(t, ok, "the wrapper hides SupportsProtocolVersion") {
		return
	}
	assert.True(t, pvs.SupportsProtocolVersion("2025-06-18"))
	assert.False(t, pvs.SupportsProtocolVersion("2025-11-25"))

	plain := &runTransport{Transport: &mcp.InMemoryTransport{}}
	assert.True(t, plain.SupportsProtocolVersion("2025-11-25"))
}
