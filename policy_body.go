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

// bodyPolicy prepares the request body of each try. It runs once per try,
// after azcore's retry policy has rewound the body.
//
//   - Small bodies are handed to net/http as an in-memory reader. net/http
//     sends the headers in a write of their own unless the body is one of the
//     readers it knows, and azcore's retry wrapper hides ours: over TLS that
//     second write costs a record and a syscall on every call. The body is
//     read completely here, so no late read can outlive the try.
//   - Larger bodies are read through a view of this try that is cut off
//     when the try ends; see guardedBody. Uploads and ContainerClient.Send
//     wrap theirs with guardBody; any other body (an execution's JSON, whose
//     code can be megabytes) is guarded here, for this try.
type bodyPolicy struct{}

// Do implements policy.Policy.
func (bodyPolicy) Do(req *policy.Request) (*http.Response, error) {
	raw := req.Raw()
	if raw.Body == nil || raw.Body == http.NoBody {
		return req.Next()
	}
	if raw.ContentLength > 0 && raw.ContentLength <= maxOneWriteBody {
		buf := make([]byte, raw.ContentLength)
		if _, err := io.ReadFull(raw.Body, buf); err != nil {
			return nil, err
		}
		// The retry policy rewinds the original body before the next try.
		raw.Body = io.NopCloser(bytes.NewReader(buf))
		return req.Next()
	}
	body := req.Body()
	if body == nil {
		return req.Next()
	}
	g, ok := body.(*guardedBody)
	if !ok {
		// Guarding this try alone is enough: end returns only once no
		// read of the try is under way, and azcore rewinds the body
		// after that, for the next try.
		g = guardBody(body)
	}
	try := g.beginTry()
	defer try.end()
	raw.Body = try.first()
	raw.GetBody = try.getBody
	return req.Next()
}
