package azsessions_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

// The integration suite runs every SDK method end to end. By default it runs
// against in-process emulators of both pool types. It runs against a real,
// billed pool only when asked twice: AZSESSIONS_TEST_LIVE=1 and
// AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT naming the pool, whose
// type AZSESSIONS_TEST_POOL_TYPE names ("python", the default, or "shell").
// The endpoint alone, which the examples also read, does not turn live mode
// on. Each test logs which mode it ran in.
const (
	endpointVariable = "AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT"
	liveVariable     = "AZSESSIONS_TEST_LIVE"
)

// liveEndpoint returns the pool endpoint when live mode was asked for, and
// fails the test when it was asked for without an endpoint.
func liveEndpoint(t *testing.T) string {
	t.Helper()
	if os.Getenv(liveVariable) != "1" {
		return ""
	}
	endpoint := os.Getenv(endpointVariable)
	if endpoint == "" {
		t.Fatalf("%s=1 asks for live tests, but %s is not set", liveVariable, endpointVariable)
	}
	return endpoint
}

func integrationClient(t *testing.T, poolType string) *azsessions.Client {
	t.Helper()
	if testing.Short() {
		t.Skip("integration suite skipped under -short")
	}
	if endpoint := liveEndpoint(t); endpoint != "" {
		want := os.Getenv("AZSESSIONS_TEST_POOL_TYPE")
		if want == "" {
			want = "python"
		}
		if want != poolType {
			t.Skipf("live mode: the pool at %s is a %s pool", endpoint, want)
		}
		t.Logf("live mode: %s pool at %s (%s=1)", poolType, endpoint, liveVariable)
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		require.NoError(t, err)
		client, err := azsessions.NewClient(endpoint, cred, nil)
		require.NoError(t, err)
		return client
	}
	if os.Getenv(endpointVariable) != "" {
		t.Logf("emulator mode: %s is set but %s is not 1, so the real pool is not used", endpointVariable, liveVariable)
	} else {
		t.Logf("emulator mode: in-process %s emulator (set %s=1 and %s for a real pool)", poolType, liveVariable, endpointVariable)
	}
	emu, err := emulator.Start(&emulator.Options{PoolType: poolType})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, emu.Close()) })
	client, err := emu.NewClient()
	require.NoError(t, err)
	return client
}

// TestIntegrationLiveModeNeedsOptIn checks that the endpoint variable the
// examples read does not, alone, send the suite to a billed pool.
func TestIntegrationLiveModeNeedsOptIn(t *testing.T) {
	const pool = "https://example.invalid/subscriptions/s/resourceGroups/rg/sessionPools/p"
	t.Setenv(endpointVariable, pool)
	t.Setenv(liveVariable, "")
	client := integrationClient(t, "python")
	require.NotEqual(t, pool, client.Endpoint(), "the suite went live without %s=1", liveVariable)
	require.Empty(t, liveEndpoint(t))

	t.Setenv(liveVariable, "1")
	require.Equal(t, pool, liveEndpoint(t))
}

// newSession returns a fresh identifier and deletes its session at the end.
func newSession(t *testing.T, client *azsessions.Client) string {
	t.Helper()
	id, err := runtime.NewUUID()
	require.NoError(t, err)
	id = "it-" + id
	t.Cleanup(func() {
		_, _ = client.NewSessionsClient().Delete(context.Background(), id, nil)
	})
	return id
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestIntegrationPythonExecution(t *testing.T) {
	client := integrationClient(t, "python")
	ctx := testContext(t)
	exec := client.NewExecutionClient()
	id := newSession(t, client)

	resp, err := exec.Execute(ctx, id, azsessions.NewCodeRequest("x = 6\nprint('hello')\nx * 7"), nil)
	require.NoError(t, err)
	require.True(t, resp.Succeeded(), "stderr: %s", deref(resp.Result.Stderr))
	require.Equal(t, "hello\n", *resp.Result.Stdout)
	require.Equal(t, "42", resp.Result.Text())
	require.NotNil(t, resp.ID)
	require.NotNil(t, resp.Metrics.NewAllocation)
	require.True(t, *resp.Metrics.NewAllocation, "the first call allocates the session")

	resp, err = exec.Execute(ctx, id, azsessions.NewCodeRequest("x + 1"), nil)
	require.NoError(t, err)
	require.Equal(t, "7", resp.Result.Text(), "state persists between executions")
	require.False(t, *resp.Metrics.NewAllocation)
	require.NotNil(t, resp.Metrics.ContainerExecutionDuration)

	got, err := exec.Get(ctx, id, *resp.ID, nil)
	require.NoError(t, err)
	require.Equal(t, *resp.ID, *got.ID)
	require.Equal(t, "7", got.Result.Text())

	resp, err = exec.Execute(ctx, id, azsessions.NewCodeRequest("{}['sales_amount']"), nil)
	require.NoError(t, err, "code that raises is not a Go error")
	require.Equal(t, azsessions.ExecutionFailureError, resp.Failure())
	require.Contains(t, *resp.Result.Stderr, "KeyError: 'sales_amount'")

	// Output that starts like the service's own message is the code's.
	resp, err = exec.Execute(ctx, id, azsessions.NewCodeRequest("import sys\nprint('Kernel restarted because I said so', file=sys.stderr)\nraise ValueError('no')"), nil)
	require.NoError(t, err)
	require.Equal(t, azsessions.ExecutionFailureError, resp.Failure())

	// The caller's deadline reaches the service: code that would run for
	// minutes is stopped when the caller stops waiting, and the session
	// serves the next call at once.
	short, cancelShort := context.WithTimeout(ctx, 3*time.Second)
	resp, err = exec.Execute(short, id, azsessions.NewCodeRequest("import time\ntime.sleep(300)"), nil)
	cancelShort()
	var ie *azsessions.ExecutionInterruptedError
	if err != nil {
		require.ErrorAs(t, err, &ie, "the answer came too late; the error must say which execution")
	} else {
		require.Equal(t, azsessions.ExecutionFailureTimeout, resp.Failure())
	}
	next, cancelNext := context.WithTimeout(ctx, time.Minute)
	resp, err = exec.Execute(next, id, azsessions.NewCodeRequest("1 + 1"), nil)
	cancelNext()
	require.NoError(t, err, "the session was still held by the stopped code")
	require.Equal(t, "2", resp.Result.Text())

	req := azsessions.NewCodeRequest("import time\ntime.sleep(30)")
	req.TimeoutInSeconds = ptr[int32](1)
	resp, err = exec.Execute(ctx, id, req, nil)
	require.NoError(t, err)
	require.Equal(t, azsessions.ExecutionFailureTimeout, resp.Failure())

	req = azsessions.NewCodeRequest("print('y' * 50)")
	req.OutputStreamsMaxLength = ptr[int32](10)
	resp, err = exec.Execute(ctx, id, req, nil)
	require.NoError(t, err)
	require.Equal(t, "yyyyyyyyyy", *resp.Result.Stdout)
	require.True(t, resp.Result.StdoutTruncated)

	poller, err := exec.BeginExecute(ctx, id, azsessions.NewCodeRequest("import time\ntime.sleep(0.3)\n'async done'"), nil)
	require.NoError(t, err)
	final, err := poller.PollUntilDone(ctx, &runtime.PollUntilDoneOptions{Frequency: 50 * time.Millisecond})
	require.NoError(t, err)
	require.True(t, final.Succeeded())
	require.Equal(t, "'async done'", final.Result.Text())
}

func TestIntegrationShellExecution(t *testing.T) {
	client := integrationClient(t, "shell")
	ctx := testContext(t)
	exec := client.NewExecutionClient()
	id := newSession(t, client)

	req := azsessions.NewShellRequest("read line; echo \"got:$line\"; pwd")
	req.Stdin = ptr("input\n")
	resp, err := exec.Execute(ctx, id, req, nil)
	require.NoError(t, err)
	require.Equal(t, 0, *resp.ExitCode)
	require.True(t, strings.HasPrefix(*resp.Result.Stdout, "got:input\n"), *resp.Result.Stdout)

	resp, err = exec.Execute(ctx, id, azsessions.NewShellRequest("echo oops >&2; exit 3"), nil)
	require.NoError(t, err)
	require.Equal(t, 3, *resp.ExitCode)
	require.Equal(t, azsessions.ExecutionFailureExitCode, resp.Failure())
	require.Equal(t, "oops\n", *resp.Result.Stderr)

	resp, err = exec.Execute(ctx, id, azsessions.NewExecRequest("printf", "%s|%s", "a b", "c"), nil)
	require.NoError(t, err)
	require.Equal(t, "a b|c", *resp.Result.Stdout)

	_, err = client.NewFilesClient().Upload(ctx, id, "in.txt", strings.NewReader("from the SDK"), nil)
	require.NoError(t, err)
	resp, err = exec.Execute(ctx, id, azsessions.NewShellRequest("cat /mnt/data/in.txt"), nil)
	require.NoError(t, err)
	require.Equal(t, "from the SDK", *resp.Result.Stdout)
}

func TestIntegrationFiles(t *testing.T) {
	client := integrationClient(t, "python")
	ctx := testContext(t)
	files := client.NewFilesClient()
	id := newSession(t, client)

	blob := make([]byte, 3<<20+17)
	_, err := rand.Read(blob)
	require.NoError(t, err)
	names := []string{"blob.bin", "with space.txt", "ünïcødé 文件.csv", "hash#tag.md", "100%.txt", "a&b=c+d.txt"}
	for _, name := range names {
		content := []byte("content of " + name)
		if name == "blob.bin" {
			content = blob
		}
		up, err := files.Upload(ctx, id, name, bytes.NewReader(content), nil)
		require.NoError(t, err, name)
		require.Equal(t, name, *up.Name)
		require.Equal(t, int64(len(content)), *up.SizeInBytes)

		meta, err := files.Get(ctx, id, name, nil)
		require.NoError(t, err)
		require.Equal(t, azsessions.FileTypeFile, *meta.Type)
		require.NotNil(t, meta.LastModifiedAt)

		dl, err := files.Download(ctx, id, name, nil)
		require.NoError(t, err)
		got, err := io.ReadAll(dl.Body)
		require.NoError(t, dl.Body.Close())
		require.NoError(t, err)
		require.True(t, bytes.Equal(content, got), "%s must round-trip byte for byte", name)
	}

	_, err = files.Upload(ctx, id, "deep.txt", strings.NewReader("deep"), &azsessions.FilesClientUploadOptions{Path: ptr("reports/2026")})
	require.NoError(t, err)
	var listed []string
	pager := files.NewListPager(id, &azsessions.FilesClientListOptions{Recursive: ptr(true)})
	for pager.More() {
		page, err := pager.NextPage(ctx)
		require.NoError(t, err)
		for _, f := range page.Value {
			if *f.Type == azsessions.FileTypeFile {
				listed = append(listed, strings.TrimPrefix(deref(f.Directory)+"/"+*f.Name, "/"))
			}
		}
	}
	want := append([]string{"reports/2026/deep.txt"}, names...)
	sort.Strings(want)
	sort.Strings(listed)
	require.Equal(t, want, listed)

	// Code sees the same files in /mnt/data.
	resp, err := client.NewExecutionClient().Execute(ctx, id, azsessions.NewCodeRequest(
		"open('/mnt/data/reports/2026/deep.txt').read() + str(len(open('/mnt/data/blob.bin','rb').read()))"), nil)
	require.NoError(t, err)
	require.Equal(t, "'deep3145745'", resp.Result.Text())

	for _, name := range names {
		_, err := files.Delete(ctx, id, name, nil)
		require.NoError(t, err)
	}
	_, err = files.Download(ctx, id, "blob.bin", nil)
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusNotFound, re.StatusCode)

	// Another session cannot see this one's files.
	other := newSession(t, client)
	_, err = files.Get(ctx, other, "deep.txt", &azsessions.FilesClientGetOptions{Path: ptr("reports/2026")})
	require.ErrorAs(t, err, &re)
	require.Equal(t, http.StatusNotFound, re.StatusCode)
}

func TestIntegrationSessions(t *testing.T) {
	client := integrationClient(t, "python")
	ctx := testContext(t)
	sessions := client.NewSessionsClient()
	id := newSession(t, client)

	_, err := client.NewExecutionClient().Execute(ctx, id, azsessions.NewCodeRequest("1"), nil)
	require.NoError(t, err)
	s, err := sessions.Get(ctx, id, nil)
	require.NoError(t, err)
	require.Equal(t, id, *s.Identifier)
	require.True(t, s.ExpiresAt.After(*s.LastAccessedAt))

	found := false
	pager := sessions.NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		require.NoError(t, err)
		for _, s := range page.Value {
			found = found || *s.Identifier == id
		}
	}
	require.True(t, found, "the new session is listed")

	meta, err := sessions.GetPoolMetadata(ctx, nil)
	require.NoError(t, err)
	require.NotEmpty(t, meta.Runtimes)

	_, err = sessions.Delete(ctx, id, nil)
	require.NoError(t, err)
	_, err = sessions.Get(ctx, id, nil)
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re)

	// The management API that custom-container pools use answers too.
	managed := newSession(t, client)
	_, err = client.NewExecutionClient().Execute(ctx, managed, azsessions.NewCodeRequest("1"), nil)
	require.NoError(t, err)
	view, err := client.NewContainerClient().GetSession(ctx, managed, nil)
	require.NoError(t, err)
	require.Equal(t, managed, *view.Identifier)
	require.NotNil(t, view.ExpiresAt)
	found = false
	mpager := client.NewContainerClient().NewListSessionsPager(nil)
	for mpager.More() {
		page, err := mpager.NextPage(ctx)
		require.NoError(t, err)
		for _, s := range page.Value {
			found = found || *s.Identifier == managed
		}
	}
	require.True(t, found, "the session is listed by the management API")

	stopped := newSession(t, client)
	_, err = client.NewFilesClient().Upload(ctx, stopped, "a.txt", strings.NewReader("a"), nil)
	require.NoError(t, err)
	msg, err := sessions.Stop(ctx, stopped, nil)
	require.NoError(t, err)
	require.Contains(t, msg.Message, stopped)
	_, err = client.NewFilesClient().Get(ctx, stopped, "a.txt", nil)
	require.ErrorAs(t, err, &re, "a stopped session's files are gone")
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
