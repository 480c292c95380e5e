package azsessions

import (
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// noDoubleRunRetry returns the caller's retry options narrowed so that a
// request whose code may have run is never sent again: only 429 and 503,
// which say the request was not processed, are retried (after Retry-After),
// and a failed dial, which sent nothing. Any other transport error is not
// retried, as the code may already be running.
func noDoubleRunRetry(opts policy.RetryOptions) policy.RetryOptions {
	opts.StatusCodes = nil
	opts.ShouldRetry = retryOnlyUnprocessed
	return opts
}

// retryOnlyUnprocessed is the ShouldRetry of noDoubleRunRetry.
func retryOnlyUnprocessed(resp *http.Response, err error) bool {
	if err != nil {
		return failedDial(err)
	}
	if resp == nil {
		return false
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
}

// idempotent tells whether a request with this method may be sent again
// under the caller's retry policy (ContainerClient.Send).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}
