// Package poolselect picks the session pool a program runs code in: the
// one named by AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT, with
// azidentity.DefaultAzureCredential, or else an emulator started in the
// process. The example programs and cmd/azsessions-mcp share it; each says
// in its own words which one it uses.
package poolselect

import (
	"fmt"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

// EndpointVariable names the environment variable holding the pool
// management endpoint.
const EndpointVariable = "AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT"

// Pool is the pool Open chose, with a client for it.
type Pool struct {
	// Client sends requests to the pool.
	Client *azsessions.Client
	// Endpoint is the pool's management endpoint, or the emulator's.
	Endpoint string
	// Emulator is the emulator Open started; nil for a real pool.
	Emulator *emulator.Emulator
}

// Open returns the pool getenv's EndpointVariable names or, when it names
// none, an emulator started with opts (nil for defaults). Close the Pool to
// stop what Open started.
func Open(getenv func(string) string, opts *emulator.Options) (*Pool, error) {
	if endpoint := getenv(EndpointVariable); endpoint != "" {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("getting a credential for %s: %w", endpoint, err)
		}
		client, err := azsessions.NewClient(endpoint, cred, nil)
		if err != nil {
			return nil, err
		}
		return &Pool{Client: client, Endpoint: endpoint}, nil
	}
	emu, err := emulator.Start(opts)
	if err != nil {
		return nil, fmt.Errorf("%s is not set and the local emulator could not start: %w", EndpointVariable, err)
	}
	client, err := emu.NewClient()
	if err != nil {
		_ = emu.Close()
		return nil, err
	}
	return &Pool{Client: client, Endpoint: emu.Endpoint(), Emulator: emu}, nil
}

// Close stops the emulator Open started, if any.
func (p *Pool) Close() {
	if p.Emulator != nil {
		_ = p.Emulator.Close()
	}
}
