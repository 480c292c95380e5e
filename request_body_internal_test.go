package azsessions

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGuardedBodyCutsOffEndedTries(t *testing.T) {
	g := guardBody(strings.NewReader("0123456789"))
	first := g.beginTry()
	buf := make([]byte, 4)
	n, err := first.first().Read(buf)
	require.NoError(t, err)
	require.Equal(t, "0123", string(buf[:n]))

	// net/http asks for the body again within the try: the earlier view is
	// cut off and the new one starts from the beginning.
	stale := first.cur
	again, err := first.getBody()
	require.NoError(t, err)
	_, err = stale.Read(buf)
	require.ErrorIs(t, err, errTryEnded)
	n, err = again.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "0123", string(buf[:n]))

	// The try ends; the retry policy rewinds; a late read of the abandoned
	// try must neither succeed nor move the next try's position.
	first.end()
	_, err = g.Seek(0, io.SeekStart)
	require.NoError(t, err)
	second := g.beginTry()
	_, err = again.Read(buf)
	require.ErrorIs(t, err, errTryEnded)
	all, err := io.ReadAll(second.first())
	require.NoError(t, err)
	require.Equal(t, "0123456789", string(all))

	// Closing a view or the guard leaves the caller's body alone.
	require.NoError(t, second.first().Close())
	require.NoError(t, g.Close())
}
