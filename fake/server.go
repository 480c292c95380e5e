// Package fake provides a fake dynamic sessions server for unit tests: set
// the functions of a Server, connect it to a client with NewServerTransport
// and azcore.ClientOptions.Transport, and the client's calls run against it
// without a network.
//
//	srv := fake.Server{
//		Execute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
//			resp.SetResponse(http.StatusOK, azsessions.ExecutionClientExecuteResponse{...}, nil)
//			return
//		},
//	}
//	client, err := azsessions.NewClient(endpoint, &azfake.TokenCredential{}, &azsessions.ClientOptions{
//		ClientOptions: azcore.ClientOptions{Transport: fake.NewServerTransport(&srv)},
//	})
//
// The transport recovers each method's arguments from the HTTP request the
// SDK built and turns the responders' values back into the HTTP responses
// the SDK parses, so a test exercises the SDK's real request and response
// handling. An ErrorResponder's SetResponseError reaches the caller as an
// *azcore.ResponseError with that status and error code.
package fake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/seed-f3fa2c9d/azsessions"
)

// Server is a fake server for the clients of package azsessions: one
// function per SDK method, named after it. A nil function makes the method
// fail with the error "fake for method <Field> not implemented".
//
// Each function gets the arguments the SDK sent, recovered from the request.
// What a round trip through HTTP cannot tell apart arrives in its wire form:
// options structs are nil when the request carried none of their fields,
// the operation-id the SDK generates is in the options, and an
// ExecutionRequest's CodeInputType is set when Code is.
//
// The functions may be called concurrently, as the client may be.
type Server struct {
	// Execute is the fake for method ExecutionClient.Execute.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusAccepted.
	// options.OperationID holds the operation-id the SDK sent (its own when
	// the caller gave none). The response's Metrics and OperationID are sent
	// as the X-Ms-* and operation-id headers.
	Execute func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder)

	// BeginExecute is the fake for method ExecutionClient.BeginExecute.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusCreated, http.StatusAccepted.
	// It is called once per poller; the poller's polls are answered from the
	// returned PollerResponder. The terminal result carries the Execution
	// only: azfake.PollerResponder has no way to send Metrics headers.
	BeginExecute func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientBeginExecuteOptions) (resp azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder)

	// GetExecution is the fake for method ExecutionClient.Get.
	// HTTP status codes to indicate success: http.StatusOK.
	GetExecution func(ctx context.Context, identifier string, executionID string, options *azsessions.ExecutionClientGetOptions) (resp azfake.Responder[azsessions.ExecutionClientGetResponse], errResp azfake.ErrorResponder)

	// Upload is the fake for method FilesClient.Upload.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusCreated.
	// name is the file name of the multipart file part and body holds the
	// part's content. options.ContentType holds the part's media type unless
	// it is the SDK's default, application/octet-stream.
	Upload func(ctx context.Context, identifier string, name string, body io.ReadSeeker, options *azsessions.FilesClientUploadOptions) (resp azfake.Responder[azsessions.FilesClientUploadResponse], errResp azfake.ErrorResponder)

	// NewListFilesPager is the fake for method FilesClient.NewListPager.
	// HTTP status codes to indicate success: http.StatusOK.
	// It is called once per pager; the transport sets the NextLink of every
	// page but the last.
	NewListFilesPager func(identifier string, options *azsessions.FilesClientListOptions) (resp azfake.PagerResponder[azsessions.FilesClientListResponse])

	// GetFile is the fake for method FilesClient.Get.
	// HTTP status codes to indicate success: http.StatusOK.
	GetFile func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientGetOptions) (resp azfake.Responder[azsessions.FilesClientGetResponse], errResp azfake.ErrorResponder)

	// Download is the fake for method FilesClient.Download.
	// HTTP status codes to indicate success: http.StatusOK.
	// The response's Body is streamed to the caller (and closed by it) and
	// ContentLength, ContentType and LastModified are sent as headers; a nil
	// ContentLength sends a body of unknown length.
	Download func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDownloadOptions) (resp azfake.Responder[azsessions.FilesClientDownloadResponse], errResp azfake.ErrorResponder)

	// DeleteFile is the fake for method FilesClient.Delete.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusNoContent.
	DeleteFile func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDeleteOptions) (resp azfake.Responder[azsessions.FilesClientDeleteResponse], errResp azfake.ErrorResponder)

	// GetSession is the fake for method SessionsClient.Get.
	// HTTP status codes to indicate success: http.StatusOK.
	GetSession func(ctx context.Context, identifier string, options *azsessions.SessionsClientGetOptions) (resp azfake.Responder[azsessions.SessionsClientGetResponse], errResp azfake.ErrorResponder)

	// DeleteSession is the fake for method SessionsClient.Delete.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusNoContent.
	DeleteSession func(ctx context.Context, identifier string, options *azsessions.SessionsClientDeleteOptions) (resp azfake.Responder[azsessions.SessionsClientDeleteResponse], errResp azfake.ErrorResponder)

	// StopSession is the fake for method SessionsClient.Stop.
	// HTTP status codes to indicate success: http.StatusOK, http.StatusNoContent.
	// The response's Message is sent as a text/plain body.
	StopSession func(ctx context.Context, identifier string, options *azsessions.SessionsClientStopOptions) (resp azfake.Responder[azsessions.SessionsClientStopResponse], errResp azfake.ErrorResponder)

	// NewListSessionsPager is the fake for method SessionsClient.NewListPager.
	// HTTP status codes to indicate success: http.StatusOK.
	// It is called once per pager; the transport sets the NextLink of every
	// page but the last.
	NewListSessionsPager func(options *azsessions.SessionsClientListOptions) (resp azfake.PagerResponder[azsessions.SessionsClientListResponse])

	// GetPoolMetadata is the fake for method SessionsClient.GetPoolMetadata.
	// HTTP status codes to indicate success: http.StatusOK.
	GetPoolMetadata func(ctx context.Context, options *azsessions.SessionsClientGetPoolMetadataOptions) (resp azfake.Responder[azsessions.SessionsClientGetPoolMetadataResponse], errResp azfake.ErrorResponder)

	// Send is the fake for method ContainerClient.Send.
	// Any HTTP status code may be returned; it is the one given to
	// SetResponse. The response's embedded *http.Response, when not nil,
	// supplies the headers and the body streamed to the caller.
	// path is the unescaped request path below the pool endpoint (the part
	// after /subscriptions/{sub}/resourceGroups/{rg}/sessionPools/{pool}),
	// starting with "/"; body is nil when the request had none.
	// options.Header holds the request's headers except those the pipeline
	// adds (Authorization, User-Agent, X-Ms-Client-Request-Id,
	// Content-Length), with canonical names; options.Query the query
	// parameters except identifier and api-version.
	Send func(ctx context.Context, identifier string, method string, path string, body io.ReadSeeker, options *azsessions.ContainerClientSendOptions) (resp azfake.Responder[azsessions.ContainerClientSendResponse], errResp azfake.ErrorResponder)

	// GetContainerSession is the fake for method ContainerClient.GetSession.
	// HTTP status codes to indicate success: http.StatusOK.
	GetContainerSession func(ctx context.Context, identifier string, options *azsessions.ContainerClientGetSessionOptions) (resp azfake.Responder[azsessions.ContainerClientGetSessionResponse], errResp azfake.ErrorResponder)

	// NewListContainerSessionsPager is the fake for method
	// ContainerClient.NewListSessionsPager.
	// HTTP status codes to indicate success: http.StatusOK.
	// It is called once per pager; the transport sets the NextLink of every
	// page but the last.
	NewListContainerSessionsPager func(options *azsessions.ContainerClientListSessionsOptions) (resp azfake.PagerResponder[azsessions.ContainerClientListSessionsResponse])
}

// NewServerTransport returns a ServerTransport that answers requests with
// srv. Connect it to a client through the Transport field of
// azsessions.ClientOptions.ClientOptions. Changes to srv's fields after this
// call are seen by the transport.
func NewServerTransport(srv *Server) *ServerTransport {
	return &ServerTransport{
		srv:               srv,
		listFilesPagers:   newTracker[pagerState[azsessions.FilesClientListResponse]](),
		listSessionPagers: newTracker[pagerState[azsessions.SessionsClientListResponse]](),
		containerPagers:   newTracker[pagerState[azsessions.ContainerClientListSessionsResponse]](),
		executePollers:    newTracker[azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse]](),
	}
}

// ServerTransport connects the clients of package azsessions to a Server.
// It implements policy.Transporter and is safe for concurrent use. Don't use
// this type directly; use NewServerTransport instead.
type ServerTransport struct {
	srv               *Server
	listFilesPagers   *tracker[pagerState[azsessions.FilesClientListResponse]]
	listSessionPagers *tracker[pagerState[azsessions.SessionsClientListResponse]]
	containerPagers   *tracker[pagerState[azsessions.ContainerClientListSessionsResponse]]
	executePollers    *tracker[azfake.PollerResponder[azsessions.ExecutionClientExecuteResponse]]
}

// Do implements the policy.Transporter interface for ServerTransport. It
// dispatches on the API name the SDK puts in the request's context
// (runtime.CtxAPINameKey). It returns when the fake does, or with the
// context's error when the request's context is done first.
func (s *ServerTransport) Do(req *http.Request) (*http.Response, error) {
	api, ok := req.Context().Value(runtime.CtxAPINameKey{}).(string)
	if !ok {
		return nil, nonRetriableError{errors.New("unable to dispatch request, missing value for CtxAPINameKey")}
	}
	type result struct {
		resp *http.Response
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := s.dispatch(req, api)
		done <- result{resp, nonRetriable(err)}
	}()
	select {
	case <-req.Context().Done():
		return nil, req.Context().Err()
	case res := <-done:
		return res.resp, res.err
	}
}

func (s *ServerTransport) dispatch(req *http.Request, api string) (*http.Response, error) {
	switch api {
	case "ExecutionClient.Execute":
		return s.dispatchExecute(req)
	case "ExecutionClient.BeginExecute":
		return s.dispatchBeginExecute(req)
	case "ExecutionClient.Get":
		return s.dispatchGetExecution(req)
	case "FilesClient.Upload":
		return s.dispatchUpload(req)
	case "FilesClient.NewListPager":
		return s.dispatchNewListFilesPager(req)
	case "FilesClient.Get":
		return s.dispatchGetFile(req)
	case "FilesClient.Download":
		return s.dispatchDownload(req)
	case "FilesClient.Delete":
		return s.dispatchDeleteFile(req)
	case "SessionsClient.Get":
		return s.dispatchGetSession(req)
	case "SessionsClient.Delete":
		return s.dispatchDeleteSession(req)
	case "SessionsClient.Stop":
		return s.dispatchStopSession(req)
	case "SessionsClient.NewListPager":
		return s.dispatchNewListSessionsPager(req)
	case "SessionsClient.GetPoolMetadata":
		return s.dispatchGetPoolMetadata(req)
	case "ContainerClient.Send":
		return s.dispatchSend(req)
	case "ContainerClient.GetSession":
		return s.dispatchGetContainerSession(req)
	case "ContainerClient.NewListSessionsPager":
		return s.dispatchNewListContainerSessionsPager(req)
	}
	return nil, nonRetriableError{fmt.Errorf("unhandled API %s", api)}
}

func notImplemented(field string) error {
	return nonRetriableError{fmt.Errorf("fake for method %s not implemented", field)}
}
