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
	if err := server.GetError(errRespr, req); err != nil {
		return nil, err
	}
	c := content(respr)
	if err := checkStatus(c.HTTPStatus, http.StatusOK); err != nil {
		return nil, err
	}
	return server.MarshalResponseAsJSON(c, server.GetResponse(respr).Session, req)
}

func (s *ServerTransport) dispatchDeleteSession(req *http.Request) (*http.Response, error) {
	if s.srv.DeleteSession == nil {
		return nil, notImplemented("DeleteSession")
	}
	respr, errRespr := s.srv.DeleteSession(req.Context(), req.URL.Query().Get(queryIdentifier), nil)
	if err := server.GetError(errRespr, req); err != nil {
		return nil, err
	}
	c := content(respr)
	if err := checkStatus(c.HTTPStatus, http.StatusOK, http.StatusNoContent); err != nil {
		return nil, err
	}
	return server.NewResponse(c, req, nil)
}

func (s *ServerTransport) dispatchStopSession(req *http.Request) (*http.Response, error) {
	if s.srv.StopSession == nil {
		return nil, notImplemented("StopSession")
	}
	respr, errRespr := s.srv.StopSession(req.Context(), req.URL.Query().Get(queryIdentifier), nil)
	if err := server.GetError(errRespr, req); err != nil {
		return nil, err
	}
	c := content(respr)
	if err := checkStatus(c.HTTPStatus, http.StatusOK, http.StatusNoContent); err != nil {
		return nil, err
	}
	message := server.GetResponse(respr).Message
	return server.MarshalResponseAsText(c, &message, req)
}

func (s *ServerTransport) dispatchNewListSessionsPager(req *http.Request) (*http.Response, error) {
	if s.srv.NewListSessionsPager == nil {
		return nil, notImplemented("NewListSessionsPager")
	}
	return nextPage(s.listSessionPagers, req, func(q url.Values) azfake.PagerResponder[azsessions.ListSessionsResponse] {
		var options *azsessions.ListSessionsOptions
		if n, err := strconv.ParseInt(q.Get(querySkip), 10, 32); err == nil {
			skip := int32(n)
			options = &azsessions.ListSessionsOptions{Skip: &skip}
		}
		return s.srv.NewListSessionsPager(options)
	})
}

func (s *ServerTransport) dispatchGetPoolMetadata(req *http.Request) (*http.Response, error) {
	if s.srv.GetPoolMetadata == nil {
		return nil, notImplemented("GetPoolMetadata")
	}
	respr, errRespr := s.srv.GetPoolMetadata(req.Context(), nil)
	if err := server.GetError(errRespr, req); err != nil {
		return nil, err
	}
	c := content(respr)
	if err := checkStatus(c.HTTPStatus, http.StatusOK); err != nil {
		return nil, err
	}
	return server.MarshalResponseAsJSON(c, server.GetResponse(respr).PoolMetadata, req)
}
