package mcpserver_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRunReturnsOnceItsSandboxIsDeleted ends a connection's input after a
// run, many times: Run returns only once the connection's sandbox is
// deleted, as its doc says. The goroutine that watches the connection
// ended it too, and when it got to the sandbox first, Run returned while
// the deletion was still under way (a host that exits then leaves the
// sandbox to the pool's cooldown); TestEndOfInputAnswersTheCallsItStops
// failed now and then for it.
func TestRunReturnsOnceItsSandboxIsDeleted(t *testing.T) {
	f := newFixture(t, "", nil)
	for i := range 25 {
		r := startRawRun(t, f.srv)
		r.write(t, rawInitialize, `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"run_python","arguments":{"code":"1"}}}`)
		// The run's answer comes before the input ends, so that the
		// sandbox exists.
		got := <-r.answers
		for got["id"] != 2.0 {
			got = <-r.answers
		}
		require.NoError(t, r.in.Close())
		<-r.ran
		require.Empty(t, f.liveSessions(t), "Run %d returned before its sandbox was deleted", i)
	}
}
