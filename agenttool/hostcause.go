package agenttool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/seed-f3fa2c9d/azsessions"
)

// HostFailureCause says in a few words what went wrong with the sandbox
// service, for a failure that [Session.Call] returned as a Go error (one
// only the host can fix), so that a host can tell a model why its call
// failed without retrying: "it answered HTTP 503", "it could not be
// reached", "its answer was cut off" and so on. It never quotes the request
// or the answer, which can hold code or file contents; the HTTP status and
// the service's error code are the most it gives.
//
// A service that answered is never said to be unreachable: an operator who
// reads "could not be reached" looks at the network, not at the service's
// answers.
func HostFailureCause(err error) string {
	var re *azcore.ResponseError
	var interrupted *azsessions.ExecutionInterruptedError
	var ne net.Error
	var ue *url.Error
	switch {
	case errors.As(err, &re):
		detail := fmt.Sprintf("it answered HTTP %d", re.StatusCode)
		if re.ErrorCode != "" {
			detail += " " + re.ErrorCode
		}
		return detail
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "the host stopped waiting for it"
	case errors.Is(err, azsessions.ErrInvalidResponse):
		return "its answer was not one the client could use"
	case errors.Is(err, azsessions.ErrResponseTooLarge):
		return "its answer was too large to read"
	case errors.Is(err, azsessions.ErrUntrustedURL):
		return "its answer pointed outside the pool's endpoint"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "its answer was cut off"
	case errors.As(err, &interrupted) && (errors.As(err, &ne) || errors.As(err, &ue)):
		return "the connection to it broke before its answer came"
	case errors.As(err, &ne), errors.As(err, &ue):
		return "it could not be reached"
	}
	return "the host could not use it"
}
