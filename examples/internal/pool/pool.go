// Package pool connects the example programs to a session pool: the real one
// named by AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT, or else an
// emulator started in the same process.
package pool

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/poolselect"
)

// EndpointVariable names the environment variable holding the pool
// management endpoint.
const EndpointVariable = poolselect.EndpointVariable

// Connect returns a client and a function that releases what Connect
// started. It tells w which pool it uses.
func Connect(w io.Writer) (*azsessions.Client, func(), error) {
	p, err := poolselect.Open(os.Getenv, nil)
	if err != nil {
		return nil, nil, err
	}
	if p.Emulator == nil {
		fmt.Fprintf(w, "Using the session pool at %s (from %s).\n", p.Endpoint, EndpointVariable)
	} else {
		fmt.Fprintf(w, "%s is not set: using a local emulator at %s.\n", EndpointVariable, p.Endpoint)
	}
	return p.Client, p.Close, nil
}

// NewSession returns a fresh session identifier starting with prefix, and a
// function that deletes the session. Sessions end by themselves after the
// pool's cooldown; ending them when done frees the pool at once.
func NewSession(client *azsessions.Client, prefix string, w io.Writer) (string, func(context.Context), error) {
	id, err := runtime.NewUUID()
	if err != nil {
		return "", nil, err
	}
	id = prefix + "-" + id
	end := func(ctx context.Context) {
		if _, err := client.NewSessionsClient().Delete(context.WithoutCancel(ctx), id, nil); err != nil {
			fmt.Fprintf(w, "Deleting the session: %v\n", err)
		}
	}
	return id, end, nil
}

// Sandbox is a pool, connected as Connect does, and a fresh session in it.
type Sandbox struct {
	// Client sends requests to the pool.
	Client *azsessions.Client
	// Session is the session identifier, as NewSession makes it.
	Session string

	release func()
	end     func(context.Context)
}

// Open connects to a pool as Connect does and names a fresh session that
// starts with prefix, as NewSession does. It tells w which pool it uses.
// Close the Sandbox when done.
func Open(w io.Writer, prefix string) (*Sandbox, error) {
	client, release, err := Connect(w)
	if err != nil {
		return nil, err
	}
	session, end, err := NewSession(client, prefix, w)
	if err != nil {
		release()
		return nil, err
	}
	return &Sandbox{Client: client, Session: session, release: release, end: end}, nil
}

// Close deletes the session, then stops what Connect started.
func (s *Sandbox) Close(ctx context.Context) {
	s.end(ctx)
	s.release()
}
