package azsessions

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
)

const (
	moduleName    = "github.com/seed-f3fa2c9d/azsessions"
	moduleVersion = "v0.1.0"
)

// ServiceName identifies dynamic sessions in cloud.Configuration.Services.
// Set ClientOptions.Cloud.Services[ServiceName].Audience to use a token
// audience other than the public cloud's DefaultAudience.
const ServiceName cloud.ServiceName = "azsessions"

// DefaultAudience is the Entra ID audience of the dynamic sessions data plane
// in the public cloud. Tokens are requested for DefaultAudience + "/.default".
const DefaultAudience = "https://dynamicsessions.io"

// ClientOptions configures a Client. The zero value is valid.
//
// The embedded azcore.ClientOptions sets the transport, retries, logging and
// telemetry.
type ClientOptions struct {
	azcore.ClientOptions

	// APIVersion is the api-version sent with every request: one of the
	// APIVersion constants (default APIVersion20251002Preview), or any
	// version string, as in APIVersion("2026-01-01-preview"). It hides the
	// string field of the embedded azcore.ClientOptions, which is still
	// read when this one is empty.
	APIVersion APIVersion
}

// Client talks to one session pool's management endpoint. It is safe for
// concurrent use; its sub-clients share its pipeline.
type Client struct {
	internal   *azcore.Client
	endpoint   string
	apiVersion string
	// endpointPath is the endpoint's escaped path without a trailing "/".
	endpointPath string
	// singleRun is the caller's retry options narrowed for requests that
	// must not run twice (see noDoubleRunRetry).
	singleRun policy.RetryOptions
}

// NewClient returns a client for the session pool whose management endpoint
// is endpoint, for example
// https://<region>.dynamicsessions.io/subscriptions/<sub>/resourceGroups/<rg>/sessionPools/<pool>.
//
//   - endpoint must be an absolute http(s) URL without query, fragment or
//     white space around it; a trailing "/" is ignored.
//   - credential authenticates every request with an Entra ID bearer token
//     (for example azidentity.NewDefaultAzureCredential). The caller needs the
//     "Azure ContainerApps Session Executor" role on the pool. A nil
//     credential is refused with an error wrapping ErrInvalidArgument.
//   - options may be nil for defaults.
func NewClient(endpoint string, credential azcore.TokenCredential, options *ClientOptions) (*Client, error) {
	u, err := parseEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	if isNil(any(credential)) {
		return nil, fmt.Errorf("%w: credential is nil; pass an azcore.TokenCredential, such as azidentity.NewDefaultAzureCredential or, for the emulator, Emulator.Credential", ErrInvalidArgument)
	}
	if options == nil {
		options = &ClientOptions{}
	}
	internal, err := newPipelineClient(credential, options)
	if err != nil {
		return nil, err
	}
	return &Client{
		internal:     internal,
		endpoint:     strings.TrimRight(u.String(), "/"),
		endpointPath: strings.TrimRight(u.EscapedPath(), "/"),
		apiVersion:   options.apiVersion(),
		singleRun:    noDoubleRunRetry(options.Retry),
	}, nil
}

// newPipelineClient builds the azcore client whose pipeline sends every
// request: a bearer token for the pool's audience, the body policy, and a
// transport that follows no redirect and bounds what it reads.
func newPipelineClient(credential azcore.TokenCredential, options *ClientOptions) (*azcore.Client, error) {
	audience := DefaultAudience
	if svc, ok := options.Cloud.Services[ServiceName]; ok && svc.Audience != "" {
		audience = svc.Audience
	}
	scope := strings.TrimRight(audience, "/") + "/.default"
	perRetry := []policy.Policy{
		runtime.NewBearerTokenPolicy(credential, []string{scope}, &policy.BearerTokenOptions{
			InsecureAllowCredentialWithHTTP: options.InsecureAllowCredentialWithHTTP,
		}),
		timeoutPolicy{},
		bodyPolicy{},
	}
	// The client writes api-version into each request itself, rather than
	// through azcore's policy, which would put it back on requests that
	// leave it out (ContainerClientSendOptions.OmitAPIVersion) and overwrite the one a
	// service link carries.
	azOptions := options.ClientOptions
	azOptions.APIVersion = ""
	// No redirect is followed and no answer read without bound: see
	// newTransport.
	azOptions.Transport = newTransport(options.Transport)
	return azcore.NewClient(moduleName, moduleVersion, runtime.PipelineOptions{
		AllowedHeaders:         loggedHeaders(),
		AllowedQueryParameters: []string{queryIdentifier, queryPath, queryRecursive, querySkip},
		PerCall:                []policy.Policy{runtime.NewRequestIDPolicy()},
		PerRetry:               perRetry,
		Tracing:                runtime.TracingOptions{Namespace: "Microsoft.App"},
	}, &azOptions)
}

// apiVersion is the api-version a client made with these options sends:
// APIVersion, else azcore's ClientOptions.APIVersion, else the newest.
func (options *ClientOptions) apiVersion() string {
	if options.APIVersion != "" {
		return string(options.APIVersion)
	}
	if options.ClientOptions.APIVersion != "" {
		return options.ClientOptions.APIVersion
	}
	return string(APIVersion20251002Preview)
}

// APIVersion returns the api-version the client sends with every request,
// so code built on a client can leave out what that version does not have.
func (c *Client) APIVersion() APIVersion { return APIVersion(c.apiVersion) }

// Endpoint returns the pool management endpoint the client sends requests to,
// without a trailing "/".
func (c *Client) Endpoint() string { return c.endpoint }

// NewExecutionClient returns a client that runs code in sessions. It shares
// this client's pipeline and does no I/O.
func (c *Client) NewExecutionClient() *ExecutionClient {
	return &ExecutionClient{c: c.withName("ExecutionClient")}
}

// NewFilesClient returns a client for the files in sessions' /mnt/data. It
// shares this client's pipeline and does no I/O.
func (c *Client) NewFilesClient() *FilesClient {
	return &FilesClient{c: c.withName("FilesClient")}
}

// NewSessionsClient returns a client that inspects and ends sessions and
// reads the pool's metadata. It shares this client's pipeline and does no I/O.
func (c *Client) NewSessionsClient() *SessionsClient {
	return &SessionsClient{c: c.withName("SessionsClient")}
}

// NewContainerClient returns a client that sends arbitrary HTTP requests to
// sessions of a custom-container pool. It shares this client's pipeline and
// does no I/O.
func (c *Client) NewContainerClient() *ContainerClient {
	return &ContainerClient{c: c.withName("ContainerClient")}
}

// withName returns a shallow copy whose spans carry the sub-client's name.
func (c *Client) withName(name string) *Client {
	cp := *c
	cp.internal = c.internal.WithClientName(name)
	return &cp
}

func parseEndpoint(endpoint string) (*url.URL, error) {
	if strings.TrimSpace(endpoint) != endpoint {
		// url.Parse keeps a trailing space in the path, where every call
		// would miss the pool, and fails a leading one obscurely.
		return nil, fmt.Errorf("%w: %q has white space around it", ErrInvalidEndpoint, endpoint)
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidEndpoint, err)
	}
	switch {
	case !u.IsAbs() || u.Host == "":
		return nil, fmt.Errorf("%w: %q is not an absolute URL", ErrInvalidEndpoint, endpoint)
	case u.Scheme != "https" && u.Scheme != "http":
		return nil, fmt.Errorf("%w: scheme %q is not http or https", ErrInvalidEndpoint, u.Scheme)
	case u.RawQuery != "" || u.ForceQuery:
		return nil, fmt.Errorf("%w: %q has a query; give the pool management endpoint only", ErrInvalidEndpoint, endpoint)
	case u.Fragment != "" || strings.Contains(endpoint, "#"):
		return nil, fmt.Errorf("%w: %q has a fragment", ErrInvalidEndpoint, endpoint)
	case u.User != nil:
		return nil, fmt.Errorf("%w: credentials in the URL are not allowed", ErrInvalidEndpoint)
	}
	return u, nil
}

// isNil tells whether v is nil, or an interface holding a nil pointer (a
// credential or a body never set), which would fail later with a 401 or a
// panic.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Interface, reflect.Chan:
		return rv.IsNil()
	}
	return false
}
