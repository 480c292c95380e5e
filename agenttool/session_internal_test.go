package agenttool

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
)

func TestPoolMessage(t *testing.T) {
	resp := func(body string) *azcore.ResponseError {
		return &azcore.ResponseError{StatusCode: 400, RawResponse: &http.Response{StatusCode: 400, Body: io.NopCloser(strings.NewReader(body))}}
	}
	for _, tc := range []struct{ body, want string }{
		{`{"error":{"code":"X","message":"session agent-123 has no\nfile"}}`, "session <session> has no file"},
		{`{"message":"flat"}`, "flat"},
		{`not json`, ""},
		{``, ""},
		{`{"error":{"message":"` + strings.Repeat("é", 400) + `"}}`, strings.Repeat("é", maxPoolMessage) + "..."},
	} {
		if got := poolMessage(resp(tc.body), "agent-123"); got != tc.want {
			t.Errorf("poolMessage(%q) = %q, want %q", tc.body, got, tc.want)
		}
	}
	if got := poolMessage(&azcore.ResponseError{StatusCode: 500}, "x"); got != "" {
		t.Errorf("no response: %q", got)
	}
}
