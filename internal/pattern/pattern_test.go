package pattern

import (
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReaderIsDeterministicAndSeeks(t *testing.T) {
	const size = 3*period + 11
	all, err := io.ReadAll(NewReader(size))
	require.NoError(t, err)
	require.Len(t, all, size)
	require.Equal(t, all[:period], all[period:2*period], "the pattern repeats every period")

	r := NewReader(size)
	pos, err := r.Seek(-100, io.SeekEnd)
	require.NoError(t, err)
	require.Equal(t, int64(size-100), pos)
	tail, err := io.ReadAll(r)
	require.NoError(t, err)
	require.Equal(t, all[size-100:], tail)
	_, err = r.Seek(-1, io.SeekStart)
	require.Error(t, err)
}
