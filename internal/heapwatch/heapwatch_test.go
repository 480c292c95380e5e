package heapwatch

import (
	"testing"

	"github.com/stretchr/testify/require"
)

var sink []byte

func TestGrowthSeesABufferHeldWhileWatching(t *testing.T) {
	w := Start()
	sink = make([]byte, 64<<20)
	for i := range sink {
		sink[i] = byte(i)
	}
	growth := w.Growth()
	sink = nil
	require.GreaterOrEqual(t, growth, uint64(60<<20), "a 64 MiB buffer held while watching")
}
