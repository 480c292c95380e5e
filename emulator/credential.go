package emulator

import (
	"context"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// staticToken is a credential that always returns the same token, which is
// all the emulator checks.
type staticToken string

func (s staticToken) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(s), ExpiresOn: time.Now().Add(24 * time.Hour), RefreshOn: time.Now().Add(12 * time.Hour)}, nil
}
