// Package fake provides fake dynamic sessions servers for unit tests, in the
// shape of the azure-sdk-for-go fakes: one server type per client
// (ExecutionServer, FilesServer, SessionsServer, ContainerServer) whose
// fields are named after the client's methods, and a ServerFactory that holds
// all four. Set the functions a test needs, connect the servers to a client
// with NewServerFactoryTransport and azcore.ClientOptions.Transport, and the
// client's calls run against them without a network.
//
//	srv := fake.ServerFactory{
//		ExecutionServer: fake.ExecutionServer{
//			Execute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
//				resp.SetResponse(http.StatusOK, azsessions.ExecutionClientExecuteResponse{...}, nil)
//				return
//			},
//		},
//	}
//	client, err := azsessions.NewClient(endpoint, &azfake.TokenCredential{}, &azsessions.ClientOptions{
//		ClientOptions: azcore.ClientOptions{Transport: fake.NewServerFactoryTransport(&srv)},
//	})
//
// A test of code that uses one client may connect that client's server
// alone, for example with NewFilesServerTransport(&fake.FilesServer{...});
// calls of another client then fail with "unhandled API".
//
// The transports recover each method's arguments from the HTTP request the
// SDK built and turn the responders' values back into the HTTP responses the
// SDK parses, so a test exercises the SDK's real request and response
// handling. What a round trip through HTTP cannot tell apart arrives in its
// wire form: options structs are nil when the request carried none of their
// fields, the operation-id the SDK generates is in the options, and an
// ExecutionRequest's CodeInputType is set when Code is. An ErrorResponder's
// SetResponseError reaches the caller as an *azcore.ResponseError with that
// status and error code. No error of a fake is retried by the client.
//
// The functions may be called concurrently, as the clients may be. Each
// runs on a goroutine of the transport's, so that a call returns when its
// context ends even if the function has not; a function may still check its
// arguments with require (t.FailNow): the call then fails at once with an
// error saying the fake did not return, and the test that made it goes on
// to its own checks. A function that panics makes the call panic in the
// caller's goroutine, with the function's stack in the panic's error; one
// that panics after its call returned (its context ended first) ends the
// test binary, as an unrecovered panic does.
package fake
