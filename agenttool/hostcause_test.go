package agenttool_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// A host failure is worded by its cause: a service that answered with an
// unusable body, or one too large or cut off, was reached, and an HTTP
// status is given with the service's error code and nothing of the answer.
func TestHostFailureCause(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&azcore.ResponseError{StatusCode: http.StatusServiceUnavailable, ErrorCode: "ServiceBusy"}, "it answered HTTP 503 ServiceBusy"},
		{&azcore.ResponseError{StatusCode: http.StatusBadGateway}, "it answered HTTP 502"},
		{fmt.Errorf("reading: %w", azsessions.ErrInvalidResponse), "its answer was not one the client could use"},
		{fmt.Errorf("reading: %w", azsessions.ErrResponseTooLarge), "its answer was too large to read"},
		{fmt.Errorf("polling: %w", azsessions.ErrUntrustedURL), "its answer pointed outside the pool's endpoint"},
		{&azsessions.ExecutionInterruptedError{OperationID: "op", Identifier: "s", Err: azsessions.ErrInvalidResponse}, "its answer was not one the client could use"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, "it could not be reached"},
		{&url.Error{Op: "Post", URL: "https://pool", Err: errors.New("tls: handshake failure")}, "it could not be reached"},
		{&azsessions.ExecutionInterruptedError{Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}, "the connection to it broke before its answer came"},
		{fmt.Errorf("reading the body: %w", io.ErrUnexpectedEOF), "its answer was cut off"},
		{context.Canceled, "the host stopped waiting for it"},
		{fmt.Errorf("executing: %w", context.DeadlineExceeded), "the host stopped waiting for it"},
		{errors.New("no session for this conversation"), "the host could not use it"},
	} {
		if got := agenttool.HostFailureCause(tc.err); got != tc.want {
			t.Errorf("HostFailureCause(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
