package azsessions_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
)

func TestErrorBodyShapes(t *testing.T) {
	cases := []struct {
		name     string
		status   int
		body     []byte
		header   []string
		wantCode string
		wantText string
	}{
		{"wrapped with traceId", http.StatusForbidden, testdata(t, "errors/wrapped_traceid.json"), nil, "DynamicApisNotAllowed", "the pool is not dynamic"},
		{"code only", http.StatusBadRequest, testdata(t, "errors/code_only.json"), nil, "SessionPropertiesMissing", "SessionPropertiesMissing"},
		{"bare code and message", http.StatusBadRequest, testdata(t, "errors/bare.json"), nil, "SessionWithIdentifierNotFound", "not found"},
		{"header wins", http.StatusBadRequest, testdata(t, "errors/code_only.json"), []string{"x-ms-error-code", "SessionRequestValidationFailed"}, "SessionRequestValidationFailed", "SessionRequestValidationFailed"},
		{"plain text", http.StatusBadGateway, testdata(t, "errors/plain.txt"), []string{"Content-Type", "text/plain"}, "", "upstream request timeout"},
		{"401 empty", http.StatusUnauthorized, nil, nil, "", "401"},
		{"403 empty", http.StatusForbidden, nil, nil, "", "403"},
		{"429 with retry-after", http.StatusTooManyRequests, []byte(`{"error":{"code":"TooManySessions","message":"pool is full"}}`), []string{"Retry-After", "3600"}, "TooManySessions", "pool is full"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := newRecordedClient(t, reply(tc.status, tc.body, tc.header...), &azsessions.ClientOptions{ClientOptions: azcore.ClientOptions{Retry: policy.RetryOptions{MaxRetries: -1}}})
			_, err := c.NewExecutionClient().Execute(context.Background(), "s1", azsessions.NewCodeRequest("x"), nil)
			var re *azcore.ResponseError
			require.ErrorAs(t, err, &re)
			require.Equal(t, tc.status, re.StatusCode)
			require.Equal(t, tc.wantCode, re.ErrorCode)
			require.Contains(t, err.Error(), tc.wantText)
			require.NotContains(t, err.Error(), "test-token", "errors never carry the token")
			if tc.wantCode != "" {
				require.True(t, azsessions.HasCode(err, "Other", azsessions.ErrorCode(tc.wantCode)))
			}
		})
	}
}

func TestHasCode(t *testing.T) {
	re := &azcore.ResponseError{ErrorCode: string(azsessions.ErrorCodeSessionPropertiesMissing), StatusCode: 400}
	wrapped := fmt.Errorf("running step 3: %w", re)
	require.True(t, azsessions.HasCode(wrapped, azsessions.ErrorCodeSessionPropertiesMissing))
	require.False(t, azsessions.HasCode(wrapped, azsessions.ErrorCodeSessionRequestNotSupported))
	require.False(t, azsessions.HasCode(wrapped))
	require.False(t, azsessions.HasCode(errors.New("plain"), azsessions.ErrorCodeSessionPropertiesMissing))
	require.False(t, azsessions.HasCode(nil, azsessions.ErrorCodeSessionPropertiesMissing))
	require.Len(t, azsessions.PossibleErrorCodeValues(), 5)
}
