package fake

import (
	"fmt"
	"net/http"
	"strings"
)

// ServerFactory is a fake server for every client of an azsessions.Client:
// one server per sub-client, each with one function per method named after
// it. Set the functions the test needs; the others make their method fail
// with "fake for method <Server>.<Method> not implemented".
type ServerFactory struct {
	// ExecutionServer contains the fakes for client ExecutionClient.
	ExecutionServer ExecutionServer

	// FilesServer contains the fakes for client FilesClient.
	FilesServer FilesServer

	// SessionsServer contains the fakes for client SessionsClient.
	SessionsServer SessionsServer

	// ContainerServer contains the fakes for client ContainerClient.
	ContainerServer ContainerServer
}

// NewServerFactoryTransport returns a ServerFactoryTransport that answers
// the requests of every client made from an azsessions.Client with srv.
// Connect it through azsessions.ClientOptions.ClientOptions.Transport.
// Changes to srv's fields after this call are seen by the transport.
func NewServerFactoryTransport(srv *ServerFactory) *ServerFactoryTransport {
	return &ServerFactoryTransport{
		execution: NewExecutionServerTransport(&srv.ExecutionServer),
		files:     NewFilesServerTransport(&srv.FilesServer),
		sessions:  NewSessionsServerTransport(&srv.SessionsServer),
		container: NewContainerServerTransport(&srv.ContainerServer),
	}
}

// ServerFactoryTransport connects the clients of an azsessions.Client to a
// ServerFactory. It implements policy.Transporter and is safe for concurrent
// use. Don't use this type directly; use NewServerFactoryTransport instead.
type ServerFactoryTransport struct {
	execution *ExecutionServerTransport
	files     *FilesServerTransport
	sessions  *SessionsServerTransport
	container *ContainerServerTransport
}

// Do implements the policy.Transporter interface for ServerFactoryTransport.
// It passes the request to the transport of the client that sent it (from
// the API name the SDK puts in the request's context).
func (s *ServerFactoryTransport) Do(req *http.Request) (*http.Response, error) {
	api, err := apiName(req)
	if err != nil {
		return nil, err
	}
	client, _, _ := strings.Cut(api, ".")
	switch client {
	case "ExecutionClient":
		return s.execution.Do(req)
	case "FilesClient":
		return s.files.Do(req)
	case "SessionsClient":
		return s.sessions.Do(req)
	case "ContainerClient":
		return s.container.Do(req)
	}
	return nil, nonRetriableError{fmt.Errorf("unhandled API %s", api)}
}
