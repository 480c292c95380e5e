package fake

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"
	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/internal/wire"
)

// SessionsServer is a fake server for instances of the
// azsessions.SessionsClient type: one function per method, named after it.
// A nil function makes its method fail with the error
// "fake for method SessionsServer.<Method> not implemented".
type SessionsServer struct {
	// Get is the fake for method SessionsClient.Get.
	// HTTP status codes to indicate success: http.StatusOK.
	Get func(ctx context.Context, identifier string, options *azsessions.SessionsClientGetOptions) (resp azfake.Responder[azsessions.SessionsClientGetResponse], errResp azfake.ErrorResponder)

	// Delete is the fake for method SessionsClient.Delete.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusNoContent.
	Delete func(ctx context.Context, identifier string, options *azsessions.SessionsClientDeleteOptions) (resp azfake.Responder[azsessions.SessionsClientDeleteResponse], errResp azfake.ErrorResponder)

	// Stop is the fake for method SessionsClient.Stop.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusNoContent.
	// The response's Message is sent as a text/plain body.
	Stop func(ctx context.Context, identifier string, options *azsessions.SessionsClientStopOptions) (resp azfake.Responder[azsessions.SessionsClientStopResponse], errResp azfake.ErrorResponder)

	// NewListPager is the fake for method SessionsClient.NewListPager.
	// HTTP status codes to indicate success: http.StatusOK.
	// It is called once per pager; the transport sets the NextLink of every
	// page but the last.
	NewListPager func(options *azsessions.SessionsClientListOptions) (resp azfake.PagerResponder[azsessions.SessionsClientListResponse])

	// GetPoolMetadata is the fake for method SessionsClient.GetPoolMetadata.
	// HTTP status codes to indicate success: http.StatusOK.
	GetPoolMetadata func(ctx context.Context, options *azsessions.SessionsClientGetPoolMetadataOptions) (resp azfake.Responder[azsessions.SessionsClientGetPoolMetadataResponse], errResp azfake.ErrorResponder)
}

// NewSessionsServerTransport returns a SessionsServerTransport that answers
// a SessionsClient's requests with srv. Connect it through
// azsessions.ClientOptions.ClientOptions.Transport. Changes to srv's fields
// after this call are seen by the transport.
func NewSessionsServerTransport(srv *SessionsServer) *SessionsServerTransport {
	t := &SessionsServerTransport{
		srv:          srv,
		newListPager: newTracker[pagerState[azsessions.SessionsClientListResponse]](),
	}
	t.clientTransport = newClientTransport("SessionsServer", srv, map[string]handler{
		"SessionsClient.Get":             t.dispatchGet,
		"SessionsClient.Delete":          t.dispatchDelete,
		"SessionsClient.Stop":            t.dispatchStop,
		"SessionsClient.NewListPager":    t.dispatchNewListPager,
		"SessionsClient.GetPoolMetadata": t.dispatchGetPoolMetadata,
	})
	return t
}

// SessionsServerTransport connects instances of azsessions.SessionsClient to
// a SessionsServer. It implements policy.Transporter and is safe for
// concurrent use. Don't use this type directly; use
// NewSessionsServerTransport instead.
type SessionsServerTransport struct {
	clientTransport
	srv          *SessionsServer
	newListPager *tracker[pagerState[azsessions.SessionsClientListResponse]]
}

func (t *SessionsServerTransport) dispatchGet(req *http.Request) (*http.Response, error) {
	resp, errResp := t.srv.Get(req.Context(), req.URL.Query().Get(wire.QueryIdentifier), nil)
	return respond(req, resp, errResp, jsonBody(func(r azsessions.SessionsClientGetResponse) any { return r.Session }), http.StatusOK)
}

func (t *SessionsServerTransport) dispatchDelete(req *http.Request) (*http.Response, error) {
	resp, errResp := t.srv.Delete(req.Context(), req.URL.Query().Get(wire.QueryIdentifier), nil)
	return respond(req, resp, errResp, noBody[azsessions.SessionsClientDeleteResponse], http.StatusOK, http.StatusNoContent)
}

func (t *SessionsServerTransport) dispatchStop(req *http.Request) (*http.Response, error) {
	resp, errResp := t.srv.Stop(req.Context(), req.URL.Query().Get(wire.QueryIdentifier), nil)
	return respond(req, resp, errResp, func(c server.ResponseContent, r azsessions.SessionsClientStopResponse, req *http.Request) (*http.Response, error) {
		return server.MarshalResponseAsText(c, &r.Message, req)
	}, http.StatusOK, http.StatusNoContent)
}

func (t *SessionsServerTransport) dispatchNewListPager(req *http.Request) (*http.Response, error) {
	return nextPage(t.newListPager, req, func(q url.Values) azfake.PagerResponder[azsessions.SessionsClientListResponse] {
		var options *azsessions.SessionsClientListOptions
		if skip := skipOption(q); skip != nil {
			options = &azsessions.SessionsClientListOptions{Skip: skip}
		}
		return t.srv.NewListPager(options)
	})
}

func (t *SessionsServerTransport) dispatchGetPoolMetadata(req *http.Request) (*http.Response, error) {
	resp, errResp := t.srv.GetPoolMetadata(req.Context(), nil)
	return respond(req, resp, errResp, jsonBody(func(r azsessions.SessionsClientGetPoolMetadataResponse) any { return r.PoolMetadata }), http.StatusOK)
}

// skipOption reads the skip query parameter of a session listing; nil when
// the request had none.
func skipOption(q url.Values) *int32 {
	n, err := strconv.ParseInt(q.Get(wire.QuerySkip), 10, 32)
	if err != nil {
		return nil
	}
	skip := int32(n)
	return &skip
}
