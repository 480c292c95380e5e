package azsessions

import (
	"io"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLimitedBodyCutAtTheLimitIsAnAnswerCut: an answer whose body fails
// (the connection reset) right after exactly the limit's bytes is cut off,
// as one that fails earlier is, so that Execute names the execution (see
// ExecutionClient.interrupted). The check for a byte past the limit
// returned the read error bare.
func TestLimitedBodyCutAtTheLimitIsAnAnswerCut(t *testing.T) {
	for _, read := range []int64{3, 4} { // fails before, and at, the limit
		body := io.NopCloser(io.MultiReader(strings.NewReader("abcd"[:read]), errReader{syscall.ECONNRESET}))
		_, err := io.ReadAll(&limitedBody{body: body, left: 4, limit: 4})
		require.ErrorIs(t, err, syscall.ECONNRESET)
		require.True(t, answerCut(err), "after %d bytes: %T %v", read, err, err)
	}
}

// errReader fails every read with err.
type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
