package emulator_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
	"github.com/seed-f3fa2c9d/azsessions/internal/proctest"
)

func TestNewForTestRunsCode(t *testing.T) {
	client := emulator.NewForTest(t, nil)
	ctx := context.Background()
	exec := client.NewExecutionClient()
	_, err := exec.Execute(ctx, "session-1", azsessions.NewCodeRequest("x = 6"), nil)
	require.NoError(t, err)
	resp, err := exec.Execute(ctx, "session-1", azsessions.NewCodeRequest("print('hi')\nx * 7"), nil)
	require.NoError(t, err)
	require.True(t, resp.Succeeded())
	require.Equal(t, "hi\n", *resp.Result.Stdout)
	require.JSONEq(t, `"42"`, string(resp.Result.Value))

	files := client.NewFilesClient()
	_, err = files.Upload(ctx, "session-1", "in.txt", strings.NewReader("uploaded"), nil)
	require.NoError(t, err)
	resp, err = exec.Execute(ctx, "session-1", azsessions.NewCodeRequest("open('/mnt/data/in.txt').read()"), nil)
	require.NoError(t, err)
	require.JSONEq(t, `"'uploaded'"`, string(resp.Result.Value))
	dl, err := files.Download(ctx, "session-1", "in.txt", nil)
	require.NoError(t, err)
	b, err := io.ReadAll(dl.Body)
	dl.Body.Close()
	require.NoError(t, err)
	require.Equal(t, "uploaded", string(b))
}

func TestHTTPSWithPlainClient(t *testing.T) {
	emu := emulator.StartForTest(t, &emulator.Options{Token: "pinned"})
	u, err := url.Parse(emu.Endpoint())
	require.NoError(t, err)
	require.Equal(t, "https", u.Scheme)
	require.Equal(t, "127.0.0.1", u.Hostname())
	require.Contains(t, string(emu.CertificatePEM()), "BEGIN CERTIFICATE")

	get := func(token string) int {
		req, err := http.NewRequest(http.MethodGet, emu.Endpoint()+"/metadata?api-version=2025-10-02-preview", nil)
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := emu.HTTPClient().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, get("pinned"))
	require.Equal(t, http.StatusUnauthorized, get("other"))

	// The default client does not trust the certificate.
	_, err = http.Get(emu.Endpoint() + "/metadata")
	require.Error(t, err)

	// The SDK's client uses the credential and the trusted transport.
	client, err := emu.NewClient()
	require.NoError(t, err)
	meta, err := client.NewSessionsClient().GetPoolMetadata(context.Background(), nil)
	require.NoError(t, err)
	require.NotNil(t, meta)
}

func TestInsecureHTTPShellPool(t *testing.T) {
	client := emulator.NewForTest(t, &emulator.Options{InsecureHTTP: true, PoolType: emulator.PoolTypeShell})
	require.True(t, strings.HasPrefix(client.Endpoint(), "http://"))
	req := azsessions.ExecutionRequest{}
	req.ShellCommand = toPtr("echo from bash; exit 4")
	resp, err := client.NewExecutionClient().Execute(context.Background(), "sh", req, nil)
	require.NoError(t, err)
	require.Equal(t, "from bash\n", *resp.Result.Stdout)
	require.NotNil(t, resp.ExitCode)
	require.Equal(t, 4, *resp.ExitCode)
}

func toPtr[T any](v T) *T { return &v }

func TestCloseLeavesNothing(t *testing.T) {
	emu, err := emulator.Start(nil)
	require.NoError(t, err)
	client, err := emu.NewClient()
	require.NoError(t, err)
	_, err = client.NewExecutionClient().Execute(context.Background(), "s", azsessions.NewCodeRequest("import os\nos.getpid()"), nil)
	require.NoError(t, err)
	require.NotEmpty(t, proctest.Children(os.Getpid()))
	require.NoError(t, emu.Close())
	require.NoError(t, emu.Close())
	require.Empty(t, proctest.Children(os.Getpid()), "no interpreter is left after Close")
}

// Options.Python chooses the interpreter; one that does not exist fails
// Start with an error naming it.
func TestStartWithMissingPython(t *testing.T) {
	_, err := emulator.Start(&emulator.Options{Python: "/no/such/dir/python3"})
	require.ErrorContains(t, err, "/no/such/dir/python3")
}
