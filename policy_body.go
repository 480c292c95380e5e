package azsessions

import (
	"bytes"
	"io"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// maxOneWriteBody is the largest request body sent in the same write as the
// headers.
const maxOneWriteBody = 64 << 10

// oneWriteBodyPolicy hands net/http small request bodies as an in-memory
// reader. net/http sends the headers in a write of their own unless the body
// is one of the readers it knows, and azcore's retry wrapper hides ours: over
// TLS that second write costs a record and a syscall on every call. Large
// bodies (uploads) keep streaming untouched.
type oneWriteBodyPolicy struct{}

// Do implements policy.Policy.
func (oneWriteBodyPolicy) Do(req *policy.Request) (*http.Response, error) {
	raw := req.Raw()
	if raw.Body != nil && raw.Body != http.NoBody && raw.ContentLength > 0 && raw.ContentLength <= maxOneWriteBody {
		buf := make([]byte, raw.ContentLength)
		if _, err := io.ReadFull(raw.Body, buf); err != nil {
			return nil, err
		}
		// The retry policy rewinds the original body before the next try.
		raw.Body = io.NopCloser(bytes.NewReader(buf))
	}
	return req.Next()
}
