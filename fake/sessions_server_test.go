package fake_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

func TestGetSession(t *testing.T) {
	want := azsessions.Session{
		Identifier:     to.Ptr(oddIdentifier),
		ExpiresAt:      to.Ptr(sessTime.Add(time.Hour)),
		CreatedAt:      &sessTime,
		LastAccessedAt: &fileTime,
		ETag:           to.Ptr(azcore.ETag(`"0x8DC"`)),
	}
	srv := fake.ServerFactory{
		SessionsServer: fake.SessionsServer{
			Get: func(ctx context.Context, identifier string, options *azsessions.SessionsClientGetOptions) (resp azfake.Responder[azsessions.SessionsClientGetResponse], errResp azfake.ErrorResponder) {
				require.Equal(t, oddIdentifier, identifier)
				require.Nil(t, options)
				resp.SetResponse(http.StatusOK, azsessions.SessionsClientGetResponse{Session: want}, nil)
				return
			},
		},
	}
	got, err := newClient(t, &srv).NewSessionsClient().Get(context.Background(), oddIdentifier, nil)
	require.NoError(t, err)
	require.Equal(t, want, got.Session)
}

func TestDeleteAndStopSession(t *testing.T) {
	var deleted, stopped string
	srv := fake.ServerFactory{
		SessionsServer: fake.SessionsServer{
			Delete: func(ctx context.Context, identifier string, options *azsessions.SessionsClientDeleteOptions) (resp azfake.Responder[azsessions.SessionsClientDeleteResponse], errResp azfake.ErrorResponder) {
				deleted = identifier
				resp.SetResponse(http.StatusOK, azsessions.SessionsClientDeleteResponse{}, nil)
				return
			},
			Stop: func(ctx context.Context, identifier string, options *azsessions.SessionsClientStopOptions) (resp azfake.Responder[azsessions.SessionsClientStopResponse], errResp azfake.ErrorResponder) {
				stopped = identifier
				if identifier == "missing" {
					errResp.SetResponseError(http.StatusNotFound, string(azsessions.ErrorCodeSessionWithIdentifierNotFound))
					return
				}
				resp.SetResponse(http.StatusOK, azsessions.SessionsClientStopResponse{Message: "Session " + identifier + " stopped."}, nil)
				return
			},
		},
	}
	sessions := newClient(t, &srv).NewSessionsClient()
	_, err := sessions.Delete(context.Background(), oddIdentifier, nil)
	require.NoError(t, err)
	require.Equal(t, oddIdentifier, deleted)
	got, err := sessions.Stop(context.Background(), oddIdentifier, nil)
	require.NoError(t, err)
	require.Equal(t, oddIdentifier, stopped)
	require.Equal(t, "Session "+oddIdentifier+" stopped.", got.Message)
	_, err = sessions.Stop(context.Background(), "missing", nil)
	require.True(t, azsessions.HasCode(err, azsessions.ErrorCodeSessionWithIdentifierNotFound))
	requireResponseError(t, err, http.StatusNotFound, "SessionWithIdentifierNotFound")
}

func TestListSessionsPager(t *testing.T) {
	page := func(ids ...string) azsessions.SessionsClientListResponse {
		var p azsessions.SessionsClientListResponse
		p.Count = to.Ptr[int64](5)
		for _, id := range ids {
			p.Value = append(p.Value, &azsessions.Session{Identifier: to.Ptr(id), CreatedAt: &sessTime, ExpiresAt: &fileTime})
		}
		return p
	}
	srv := fake.ServerFactory{
		SessionsServer: fake.SessionsServer{
			NewListPager: func(options *azsessions.SessionsClientListOptions) (resp azfake.PagerResponder[azsessions.SessionsClientListResponse]) {
				require.Equal(t, &azsessions.SessionsClientListOptions{Skip: to.Ptr[int32](3)}, options)
				resp.AddPage(http.StatusOK, page("s1", oddIdentifier), nil)
				resp.AddPage(http.StatusOK, page("s3"), nil)
				return
			},
		},
	}
	pager := newClient(t, &srv).NewSessionsClient().NewListPager(&azsessions.SessionsClientListOptions{Skip: to.Ptr[int32](3)})
	var ids []string
	for pager.More() {
		p, err := pager.NextPage(context.Background())
		require.NoError(t, err)
		require.Equal(t, int64(5), *p.Count)
		for _, s := range p.Value {
			require.Equal(t, sessTime, *s.CreatedAt)
			require.Equal(t, fileTime, *s.ExpiresAt)
			ids = append(ids, *s.Identifier)
		}
	}
	require.Equal(t, []string{"s1", oddIdentifier, "s3"}, ids)
}

func TestGetPoolMetadata(t *testing.T) {
	want := azsessions.PoolMetadata{
		Runtimes:             []*azsessions.NameVersion{{Name: to.Ptr("python"), Version: to.Ptr("3.12")}},
		PreInstalledPackages: []*azsessions.NameVersion{{Name: to.Ptr("numpy"), Version: to.Ptr("2.1")}, {Name: to.Ptr("pandas")}},
		JupyterKernel:        &azsessions.JupyterKernel{Name: to.Ptr("python3"), Version: to.Ptr("6.29"), ProjectURL: to.Ptr("https://ipython.org"), Description: to.Ptr("IPython")},
		CreatedAt:            &sessTime,
		LastUpdatedAt:        &fileTime,
	}
	srv := fake.ServerFactory{
		SessionsServer: fake.SessionsServer{
			GetPoolMetadata: func(ctx context.Context, options *azsessions.SessionsClientGetPoolMetadataOptions) (resp azfake.Responder[azsessions.SessionsClientGetPoolMetadataResponse], errResp azfake.ErrorResponder) {
				require.Nil(t, options)
				resp.SetResponse(http.StatusOK, azsessions.SessionsClientGetPoolMetadataResponse{PoolMetadata: want}, nil)
				return
			},
		},
	}
	got, err := newClient(t, &srv).NewSessionsClient().GetPoolMetadata(context.Background(), nil)
	require.NoError(t, err)
	require.Equal(t, want, got.PoolMetadata)
}
