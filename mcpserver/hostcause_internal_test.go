package mcpserver

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/seed-f3fa2c9d/azsessions"
)

// The sentence a tool call's host failure gives the model says the cause,
// in agenttool.HostFailureCause's words (whose own test covers every
// cause): a service that answered with an unusable body, or one cut off,
// is not said to be unreachable.
func TestHostFailureTextSaysTheCause(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&azsessions.ExecutionInterruptedError{OperationID: "op", Err: azsessions.ErrInvalidResponse}, "its answer was not one the client could use"},
		{fmt.Errorf("reading the body: %w", io.ErrUnexpectedEOF), "its answer was cut off"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, "it could not be reached"},
		{errors.New("something else"), "the host could not use it"},
	} {
		text := hostFailureText(tc.err)
		if !strings.HasPrefix(text, "The sandbox service failed ("+tc.want+").") {
			t.Errorf("%v: the model sees %q, want it to say %q", tc.err, text, tc.want)
		}
	}
}
