package emulator_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

// Connect reaches an emulator from its endpoint, token and certificate
// file alone, as a program connecting to the standalone command does.
func TestConnect(t *testing.T) {
	ctx := context.Background()
	t.Run("https with the certificate file", func(t *testing.T) {
		emu := emulator.StartForTest(t, &emulator.Options{Token: "pinned", ReadySessions: -1})
		certFile := filepath.Join(t.TempDir(), "cert.pem")
		require.NoError(t, os.WriteFile(certFile, emu.CertificatePEM(), 0o600))
		opts, cred, err := emulator.Connect(emu.Endpoint(), "pinned", certFile)
		require.NoError(t, err)
		client, err := azsessions.NewClient(emu.Endpoint(), cred, opts)
		require.NoError(t, err)
		_, err = client.NewSessionsClient().GetPoolMetadata(ctx, nil)
		require.NoError(t, err)

		// The wrong token, or no trust in the certificate, fails.
		opts, cred, err = emulator.Connect(emu.Endpoint(), "other", certFile)
		require.NoError(t, err)
		client, err = azsessions.NewClient(emu.Endpoint(), cred, opts)
		require.NoError(t, err)
		_, err = client.NewSessionsClient().GetPoolMetadata(ctx, nil)
		require.ErrorContains(t, err, "401")
		opts, cred, err = emulator.Connect(emu.Endpoint(), "pinned", "")
		require.NoError(t, err)
		opts.Retry.MaxRetries = -1 // a transport error would be retried
		client, err = azsessions.NewClient(emu.Endpoint(), cred, opts)
		require.NoError(t, err)
		_, err = client.NewSessionsClient().GetPoolMetadata(ctx, nil)
		require.ErrorContains(t, err, "certificate")
	})

	t.Run("plain http with the default token", func(t *testing.T) {
		emu := emulator.StartForTest(t, &emulator.Options{InsecureHTTP: true, ReadySessions: -1})
		opts, cred, err := emulator.Connect(emu.Endpoint(), "", "")
		require.NoError(t, err)
		client, err := azsessions.NewClient(emu.Endpoint(), cred, opts)
		require.NoError(t, err)
		_, err = client.NewSessionsClient().GetPoolMetadata(ctx, nil)
		require.NoError(t, err)
	})

	t.Run("bad input", func(t *testing.T) {
		dir := t.TempDir()
		notPEM := filepath.Join(dir, "not.pem")
		require.NoError(t, os.WriteFile(notPEM, []byte("hello"), 0o600))
		for _, c := range []struct{ endpoint, cert, want string }{
			{"127.0.0.1:8080", "", "absolute URL"},
			{"ftp://127.0.0.1:8080", "", "http or https"},
			{"https://127.0.0.1:8443", filepath.Join(dir, "missing.pem"), "missing.pem"},
			{"https://127.0.0.1:8443", notPEM, "no PEM certificate"},
			{"http://127.0.0.1:8080", notPEM, "plain-HTTP"},
		} {
			_, _, err := emulator.Connect(c.endpoint, "", c.cert)
			require.ErrorContains(t, err, c.want, c.endpoint)
		}
	})
}
