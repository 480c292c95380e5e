package main

import (
	"io"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestHTTPPortTakenPrintsNoToken runs the command with -transport http on
// a port already in use: it fails to listen, and prints no generated
// token, which no server will ever take. It printed one before it failed.
func TestHTTPPortTakenPrintsNoToken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var stderr strings.Builder
	err = run(testContext(t), []string{"-transport", "http", "-addr", ln.Addr().String()}, noEnv, io.NopCloser(strings.NewReader("")), nopWriteCloser{io.Discard}, &stderr)
	require.Error(t, err)
	require.ErrorContains(t, err, "address already in use")
	require.NotContains(t, stderr.String(), "token")
	require.NotContains(t, stderr.String(), "serving MCP")
}
