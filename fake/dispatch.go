package fake

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"runtime/debug"
	"strconv"
	"strings"

	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/fake/server"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

// The dispatch steps every server transport shares. A transport's own code
// recovers a method's arguments from the request and calls the fake; what
// happens before (finding the method) and after (turning the responder into
// an HTTP response, keeping a pager's or poller's state) lives here, once.

// handler serves the requests of one SDK method.
type handler func(req *http.Request) (*http.Response, error)

// apiName returns the SDK method the request belongs to, which the SDK puts
// in the request's context as "<Client>.<Method>".
func apiName(req *http.Request) (string, error) {
	api, ok := req.Context().Value(runtime.CtxAPINameKey{}).(string)
	if !ok {
		return "", nonRetriableError{errors.New("unable to dispatch request, missing value for CtxAPINameKey")}
	}
	return api, nil
}

// serve is the Do of every server transport. route returns the handler of
// an SDK method, or nil for a method the transport does not know. The
// handler runs on its own goroutine so that serve returns with the context's
// error when the request's context is done before the fake returns. Every
// error serve returns is final for azcore's retry policy: a fake's answer
// would not change on a retry.
//
// A fake that ends its goroutine with runtime.Goexit (t.FailNow, which
// require calls on a failed check) fails the call at once, rather than
// leaving it to wait for its context; a fake that panics panics again in
// the caller's goroutine, as it would in azcore's own fakes, which run
// there (or, once the call has returned with its context's error, in a
// goroutine of its own).
func serve(req *http.Request, route func(api string) handler) (*http.Response, error) {
	api, err := apiName(req)
	if err != nil {
		return nil, err
	}
	h := route(api)
	if h == nil {
		return nil, nonRetriableError{fmt.Errorf("unhandled API %s", api)}
	}
	done := make(chan handled, 1)
	go handle(api, h, req, done)
	select {
	case <-req.Context().Done():
		// Nobody reads the abandoned answer: close its body (perhaps a
		// reader the test handed over) once the fake returns. A panic
		// has no caller left to reach: it ends the program, as an
		// unrecovered panic does, rather than being lost.
		go func() {
			res := <-done
			if res.panicked != nil {
				panic(res.panicked)
			}
			if res.resp != nil && res.resp.Body != nil {
				res.resp.Body.Close()
			}
		}()
		return nil, req.Context().Err()
	case res := <-done:
		if res.panicked != nil {
			panic(res.panicked)
		}
		return res.resp, res.err
	}
}

// handled is how a handler ended: its answer, or the panic it raised.
type handled struct {
	resp     *http.Response
	err      error
	panicked error
}

// handle runs h on req and sends how it ended to done, even when h does not
// return: a runtime.Goexit becomes an error, a panic is carried to serve's
// goroutine with the stack where it was raised.
func handle(api string, h handler, req *http.Request, done chan<- handled) {
	returned := false
	defer func() {
		if returned {
			return
		}
		if v := recover(); v != nil {
			done <- handled{panicked: fakePanic(api, v)}
			return
		}
		done <- handled{err: nonRetriableError{fmt.Errorf("the fake for %s did not return: it called runtime.Goexit (t.FailNow, as a failed require check does)", api)}}
	}()
	resp, err := h(req)
	returned = true
	done <- handled{resp: resp, err: nonRetriable(err)}
}

// fakePanic is the error serve panics with for a fake that panicked with v:
// it wraps v when v is an error and holds the fake's stack, which the
// panic in serve's goroutine would otherwise lose.
func fakePanic(api string, v any) error {
	stack := debug.Stack()
	if err, ok := v.(error); ok {
		return fmt.Errorf("the fake for %s panicked: %w\n\n%s", api, err, stack)
	}
	return fmt.Errorf("the fake for %s panicked: %v\n\n%s", api, v, stack)
}

// clientTransport is what every server transport shares: the handler of
// each SDK method of one client, and its Do. A method whose function in the
// server is nil (when the request comes: tests may set it later) fails
// with notImplemented before its handler runs.
type clientTransport struct {
	server   string        // the server type's name, for errors
	fields   reflect.Value // the server, a struct
	handlers map[string]handler
}

// newClientTransport returns the transport of server (a pointer to the
// struct named name) whose handlers are keyed by API name,
// "<Client>.<Method>"; the server's function for each is its field
// <Method>.
func newClientTransport(name string, server any, handlers map[string]handler) clientTransport {
	return clientTransport{server: name, fields: reflect.ValueOf(server).Elem(), handlers: handlers}
}

// Do implements the policy.Transporter interface. It returns when the fake
// does, or with the context's error when the request's context is done
// first.
func (t *clientTransport) Do(req *http.Request) (*http.Response, error) {
	return serve(req, t.route)
}

func (t *clientTransport) route(api string) handler {
	h := t.handlers[api]
	if h == nil {
		return nil
	}
	_, method, _ := strings.Cut(api, ".")
	if t.fields.FieldByName(method).IsNil() {
		err := notImplemented(t.server + "." + method)
		return func(*http.Request) (*http.Response, error) { return nil, err }
	}
	return h
}

// notImplemented is the error of a method whose fake is nil.
func notImplemented(field string) error {
	return nonRetriableError{fmt.Errorf("fake for method %s not implemented", field)}
}

// writer turns what a fake answered into the HTTP response the SDK parses.
// c holds the responder's status and a copy of its headers, which the writer
// may change.
type writer[R any] func(c server.ResponseContent, r R, req *http.Request) (*http.Response, error)

// respond ends every method whose fake answers with a Responder: the error
// the fake gave its ErrorResponder, or a status the SDK method does not treat
// as success (one of success), fails the request; otherwise write sends the
// response. A nil success accepts any status, as ContainerClient.Send does.
func respond[R any](req *http.Request, resp azfake.Responder[R], errResp azfake.ErrorResponder, write writer[R], success ...int) (*http.Response, error) {
	if err := server.GetError(errResp, req); err != nil {
		return nil, err
	}
	c := content(resp)
	if success != nil {
		if err := checkStatus(c.HTTPStatus, success...); err != nil {
			return nil, err
		}
	}
	return write(c, server.GetResponse(resp), req)
}

// jsonBody returns a writer that sends the part of the response pick
// returns as the JSON body.
func jsonBody[R any](pick func(R) any) writer[R] {
	return func(c server.ResponseContent, r R, req *http.Request) (*http.Response, error) {
		return server.MarshalResponseAsJSON(c, pick(r), req)
	}
}

// noBody is the writer of methods whose response has no body.
func noBody[R any](c server.ResponseContent, _ R, req *http.Request) (*http.Response, error) {
	return server.NewResponse(c, req, nil)
}

// Query parameters the transport adds to the nextLinks and polling URLs it
// makes, so that each pager and poller finds its own state.
const (
	queryFakePager  = "fakePagerID"
	queryFakePage   = "fakePage"
	queryFakePoller = "fakePollerID"
)

// pagerState is a pager in progress.
type pagerState[T any] struct {
	responder *azfake.PagerResponder[T]
	served    int
}

// nextPage serves a request of a pager: the first one (without the
// transport's pager ID) starts a pager by calling start with the request's
// query, later ones continue the pager their nextLink names. Every page but
// the last gets a nextLink; the last is sent as the fake gave it.
func nextPage[T any](t *tracker[pagerState[T]], req *http.Request, start func(url.Values) azfake.PagerResponder[T]) (*http.Response, error) {
	q := req.URL.Query()
	id := q.Get(queryFakePager)
	var st *pagerState[T]
	if id == "" {
		r := start(q)
		st = &pagerState[T]{responder: &r}
		id = t.add(st)
	} else if st = t.get(id); st == nil {
		return nil, fmt.Errorf("no fake pager %s in progress", id)
	}
	resp, err := server.PagerResponderNext(st.responder, req)
	if err == nil {
		st.served++
		err = checkStatus(resp.StatusCode, http.StatusOK)
	}
	if err != nil {
		t.remove(id)
		return nil, err
	}
	if !server.PagerResponderMore(st.responder) {
		t.remove(id)
		return resp, nil
	}
	if err := setNextLink(resp, pageLink(req.URL, id, st.served)); err != nil {
		t.remove(id)
		return nil, err
	}
	return resp, nil
}

// pageLink is the nextLink of page served+1 of pager id: the first
// request's URL, which names the pager and the page.
func pageLink(first *url.URL, id string, served int) string {
	next := *first
	q := next.Query()
	q.Set(queryFakePager, id)
	q.Set(queryFakePage, strconv.Itoa(served))
	next.RawQuery = q.Encode()
	return next.String()
}

// nextPoll serves a request of a poller: the first one (without the
// transport's poller ID) starts a poller by calling start, which calls the
// fake; later ones are polls of the poller their URL names. success lists
// the statuses of the SDK method's first answer and polls.
func nextPoll[T any](t *tracker[azfake.PollerResponder[T]], req *http.Request, start func() (azfake.PollerResponder[T], azfake.ErrorResponder, error), success ...int) (*http.Response, error) {
	id := req.URL.Query().Get(queryFakePoller)
	first := id == ""
	var poller *azfake.PollerResponder[T]
	if first {
		if req.Method != http.MethodPost {
			return nil, fmt.Errorf("%s %s is not a request of a fake poller", req.Method, req.URL.Redacted())
		}
		resp, errResp, err := start()
		if err != nil {
			return nil, err
		}
		if err := server.GetError(errResp, req); err != nil {
			return nil, err
		}
		poller = &resp
		id = t.add(poller)
	} else if poller = t.get(id); poller == nil {
		return nil, fmt.Errorf("no fake poller %s in progress", id)
	}
	resp, err := server.PollerResponderNext(poller, req)
	if err == nil {
		err = checkStatus(resp.StatusCode, success...)
	}
	if err != nil || !server.PollerResponderMore(poller) {
		t.remove(id)
	}
	if err != nil {
		return nil, err
	}
	if first {
		// azcore's fake poller polls the URL of the request that started
		// it: make that URL name this poller.
		resp.Request = withQuery(req, queryFakePoller, id)
	}
	return resp, nil
}

// withQuery returns a copy of req whose URL has the query parameter
// name=value.
func withQuery(req *http.Request, name, value string) *http.Request {
	r := req.Clone(req.Context())
	q := r.URL.Query()
	q.Set(name, value)
	r.URL.RawQuery = q.Encode()
	return r
}
