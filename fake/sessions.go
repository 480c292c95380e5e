package fake

import (
	"net/http"
	"net/url"
	"strconv"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"
	"github.com/seed-f3fa2c9d/azsessions"
)

func (s *ServerTransport) dispatchGetSession(req *http.Request) (*http.Response, error) {
	if s.srv.GetSession == nil {
		return nil, notImplemented("GetSession")
	}
	respr, errRespr := s.srv.GetSession(req.Context(), req.URL.Query().Get(queryIdentifier), nil)
	r, c, err := responderResult(req, respr, errRespr, http.StatusOK)
	if err != nil {
		return nil, err
	}
	return server.MarshalResponseAsJSON(c, r.Session, req)
}

func (s *ServerTransport) dispatchDeleteSession(req *http.Request) (*http.Response, error) {
	if s.srv.DeleteSession == nil {
		return nil, notImplemented("DeleteSession")
	}
	respr, errRespr := s.srv.DeleteSession(req.Context(), req.URL.Query().Get(queryIdentifier), nil)
	_, c, err := responderResult(req, respr, errRespr, http.StatusOK, http.StatusNoContent)
	if err != nil {
		return nil, err
	}
	return server.NewResponse(c, req, nil)
}

func (s *ServerTransport) dispatchStopSession(req *http.Request) (*http.Response, error) {
	if s.srv.StopSession == nil {
		return nil, notImplemented("StopSession")
	}
	respr, errRespr := s.srv.StopSession(req.Context(), req.URL.Query().Get(queryIdentifier), nil)
	r, c, err := responderResult(req, respr, errRespr, http.StatusOK, http.StatusNoContent)
	if err != nil {
		return nil, err
	}
	return server.MarshalResponseAsText(c, &r.Message, req)
}

func (s *ServerTransport) dispatchNewListSessionsPager(req *http.Request) (*http.Response, error) {
	if s.srv.NewListSessionsPager == nil {
		return nil, notImplemented("NewListSessionsPager")
	}
	return nextPage(s.listSessionPagers, req, func(q url.Values) azfake.PagerResponder[azsessions.SessionsClientListResponse] {
		var options *azsessions.SessionsClientListOptions
		if skip := skipOption(q); skip != nil {
			options = &azsessions.SessionsClientListOptions{Skip: skip}
		}
		return s.srv.NewListSessionsPager(options)
	})
}

func (s *ServerTransport) dispatchGetPoolMetadata(req *http.Request) (*http.Response, error) {
	if s.srv.GetPoolMetadata == nil {
		return nil, notImplemented("GetPoolMetadata")
	}
	respr, errRespr := s.srv.GetPoolMetadata(req.Context(), nil)
	r, c, err := responderResult(req, respr, errRespr, http.StatusOK)
	if err != nil {
		return nil, err
	}
	return server.MarshalResponseAsJSON(c, r.PoolMetadata, req)
}

func (s *ServerTransport) dispatchGetContainerSession(req *http.Request) (*http.Response, error) {
	if s.srv.GetContainerSession == nil {
		return nil, notImplemented("GetContainerSession")
	}
	respr, errRespr := s.srv.GetContainerSession(req.Context(), req.URL.Query().Get(queryIdentifier), nil)
	r, c, err := responderResult(req, respr, errRespr, http.StatusOK)
	if err != nil {
		return nil, err
	}
	return server.MarshalResponseAsJSON(c, r.Session, req)
}

func (s *ServerTransport) dispatchNewListContainerSessionsPager(req *http.Request) (*http.Response, error) {
	if s.srv.NewListContainerSessionsPager == nil {
		return nil, notImplemented("NewListContainerSessionsPager")
	}
	return nextPage(s.containerPagers, req, func(q url.Values) azfake.PagerResponder[azsessions.ContainerClientListSessionsResponse] {
		var options *azsessions.ContainerClientListSessionsOptions
		if skip := skipOption(q); skip != nil {
			options = &azsessions.ContainerClientListSessionsOptions{Skip: skip}
		}
		return s.srv.NewListContainerSessionsPager(options)
	})
}

// skipOption reads the skip query parameter of a session listing; nil when
// the request had none.
func skipOption(q url.Values) *int32 {
	n, err := strconv.ParseInt(q.Get(querySkip), 10, 32)
	if err != nil {
		return nil
	}
	skip := int32(n)
	return &skip
}
