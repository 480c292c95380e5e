package anthropic_test

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/seed-f3fa2c9d/azsessions"
	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/anthropic"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// The sentence the model sees says what went wrong with the service by
// cause, in agenttool.HostFailureCause's words (whose own test covers every
// cause): a service that answered with an unusable body is not said to be
// unreachable.
func TestHostErrorSaysTheCause(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&azsessions.ExecutionInterruptedError{OperationID: "op", Identifier: "s", Err: azsessions.ErrInvalidResponse}, "its answer was not one the client could use"},
		{fmt.Errorf("reading: %w", azsessions.ErrResponseTooLarge), "its answer was too large to read"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, "it could not be reached"},
		{errors.New("no session for this conversation"), "the host could not use it"},
	} {
		text := (&adapter.HostError{Err: tc.err}).Error()
		if got := agenttool.HostFailureCause(tc.err); got != tc.want {
			t.Fatalf("agenttool words %v as %q, this test expects %q", tc.err, got, tc.want)
		}
		if !strings.HasPrefix(text, "host error: the sandbox service failed ("+tc.want+").") {
			t.Errorf("%v: the model sees %q, want it to say %q", tc.err, text, tc.want)
		}
	}
}
