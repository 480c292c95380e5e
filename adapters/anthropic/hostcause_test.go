package anthropic_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/seed-f3fa2c9d/azsessions"
	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/anthropic"
)

// The sentence the model sees says what went wrong with the service by
// cause: a service that answered with an unusable body was reached, and
// one whose answer was too large or cut off was too.
func TestHostErrorSaysTheCause(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("reading: %w", azsessions.ErrInvalidResponse), "its answer was not one the client could use"},
		{fmt.Errorf("reading: %w", azsessions.ErrResponseTooLarge), "its answer was too large to read"},
		{&azsessions.ExecutionInterruptedError{OperationID: "op", Identifier: "s", Err: azsessions.ErrInvalidResponse}, "its answer was not one the client could use"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, "it could not be reached"},
		{&url.Error{Op: "Post", URL: "https://pool", Err: errors.New("tls: handshake failure")}, "it could not be reached"},
		{&azsessions.ExecutionInterruptedError{Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}, "the connection to it broke before its answer came"},
		{fmt.Errorf("reading the body: %w", io.ErrUnexpectedEOF), "its answer was cut off"},
		{context.Canceled, "the host stopped waiting for it"},
		{errors.New("no session for this conversation"), "the host could not use it"},
	} {
		text := (&adapter.HostError{Err: tc.err}).Error()
		if !strings.Contains(text, "("+tc.want+")") {
			t.Errorf("%v: the model sees %q, want it to say %q", tc.err, text, tc.want)
		}
		if strings.Contains(tc.want, "answer") && strings.Contains(text, "could not be reached") {
			t.Errorf("%v: a service that answered is said not to be reached: %s", tc.err, text)
		}
	}
}
