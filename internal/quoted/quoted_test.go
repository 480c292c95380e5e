package quoted

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestHead(t *testing.T) {
	require.Equal(t, "short", Head("short"))
	exact := strings.Repeat("é", MaxChars)
	require.Equal(t, exact, Head(exact), "a string of exactly the limit is whole")
	require.Equal(t, exact+"...", Head(exact+"x"), "the limit counts characters, not bytes")
}
