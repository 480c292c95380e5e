// Package pool connects the example programs to a session pool: the real one
// named by AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT, or else an
// emulator started in the same process.
package pool

import (
	"fmt"
	"io"
	"os"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

// EndpointVariable names the environment variable holding the pool
// management endpoint.
const EndpointVariable = "AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT"

// Connect returns a client and a function that releases what Connect
// started. It tells w which pool it uses.
func Connect(w io.Writer) (*azsessions.Client, func(), error) {
	if endpoint := os.Getenv(EndpointVariable); endpoint != "" {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, nil, fmt.Errorf("getting a credential for %s: %w", endpoint, err)
		}
		client, err := azsessions.NewClient(endpoint, cred, nil)
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintf(w, "Using the session pool at %s (from %s).\n", endpoint, EndpointVariable)
		return client, func() {}, nil
	}
	emu, err := emulator.Start(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%s is not set and the local emulator could not start: %w", EndpointVariable, err)
	}
	client, err := emu.NewClient()
	if err != nil {
		_ = emu.Close()
		return nil, nil, err
	}
	fmt.Fprintf(w, "%s is not set: using a local emulator at %s.\n", EndpointVariable, emu.Endpoint())
	return client, func() { _ = emu.Close() }, nil
}
