package poolselect

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// With the variable set, Open uses that pool and starts nothing; the
// credential asks for a token only at the first call.
func TestOpenUsesTheNamedPool(t *testing.T) {
	const endpoint = "https://pool.example.invalid/subscriptions/s/resourceGroups/g/sessionPools/p"
	p, err := Open(func(k string) string {
		if k == EndpointVariable {
			return endpoint
		}
		return ""
	}, nil)
	require.NoError(t, err)
	defer p.Close()
	assert.Equal(t, endpoint, p.Endpoint)
	assert.Nil(t, p.Emulator)
	assert.NotNil(t, p.Client)
}

// Without it, Open starts an emulator and Close stops it.
func TestOpenStartsAnEmulator(t *testing.T) {
	p, err := Open(func(string) string { return "" }, nil)
	require.NoError(t, err)
	t.Cleanup(p.Close)
	require.NotNil(t, p.Emulator)
	assert.Equal(t, p.Emulator.Endpoint(), p.Endpoint)
}
