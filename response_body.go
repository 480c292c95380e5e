package azsessions

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// ErrInvalidResponse: the service answered a call with success, but the
// body is empty, JSON null, or not the JSON the operation returns (an HTML
// page from a proxy, say). The SDK returns this rather than zero values that
// would read as a valid answer: no file, a listing with no items and no next
// page, an execution without a status. An execution's 202 is the exception:
// its headers say what to poll, so it may have no body, or null. Test with
// errors.Is; the text says the status, the Content-Type and what was
// expected.
var ErrInvalidResponse = errors.New("azsessions: the service's answer is not what the operation returns")

// utf8BOM may start a JSON body; azcore's UnmarshalAsJSON drops it too.
var utf8BOM = []byte("\xef\xbb\xbf")

// jsonBody returns the body of resp without a leading byte-order mark or
// the white space around it, so that every reader of an answer tells an
// empty one alike.
func jsonBody(resp *http.Response) ([]byte, error) {
	payload, err := runtime.Payload(resp)
	if err != nil {
		return nil, err
	}
	return bytes.TrimSpace(bytes.TrimPrefix(payload, utf8BOM)), nil
}

// noDocument tells whether payload, as jsonBody returns it, holds no JSON
// document: it is empty, or JSON null. requiredBody refuses such a body;
// an execution's 202 may carry one, as its headers say what to poll.
func noDocument(payload []byte) bool {
	return len(payload) == 0 || string(payload) == "null"
}

// requiredBody returns the body of resp, a successful answer that must hold
// what (a JSON document, such as "a file's metadata"), as jsonBody does. An
// empty body, white space or JSON null is ErrInvalidResponse.
func requiredBody(resp *http.Response, what string) ([]byte, error) {
	payload, err := jsonBody(resp)
	if err != nil {
		return nil, err
	}
	if noDocument(payload) {
		return nil, fmt.Errorf("%w: status %d with an empty body (Content-Type %q), where %s was expected", ErrInvalidResponse, resp.StatusCode, resp.Header.Get("Content-Type"), what)
	}
	return payload, nil
}

// unreadableBody is the error for a body that decode, reading it as what,
// refused with err.
func unreadableBody(resp *http.Response, what string, err error) error {
	return fmt.Errorf("%w: status %d with a body (Content-Type %q) that is not %s: %v", ErrInvalidResponse, resp.StatusCode, resp.Header.Get("Content-Type"), what, err)
}

// unmarshalBody reads resp's body, which must hold what, into v.
func unmarshalBody(resp *http.Response, what string, v any) error {
	payload, err := requiredBody(resp, what)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(payload, v); err != nil {
		return unreadableBody(resp, what, err)
	}
	return nil
}
