package emulator

import (
	"testing"

	"github.com/seed-f3fa2c9d/azsessions"
)

// StartForTest starts an emulator that is closed when t ends, failing t if
// it cannot start or does not close cleanly.
func StartForTest(t testing.TB, opts *Options) *Emulator {
	t.Helper()
	e, err := Start(opts)
	if err != nil {
		t.Fatalf("starting the emulator: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Close(); err != nil {
			t.Errorf("closing the emulator: %v", err)
		}
	})
	return e
}

// NewForTest starts an emulator for the length of t and returns a client of
// it: one line to give a test a working session pool.
func NewForTest(t testing.TB, opts *Options) *azsessions.Client {
	t.Helper()
	client, err := StartForTest(t, opts).NewClient()
	if err != nil {
		t.Fatalf("creating the emulator's client: %v", err)
	}
	return client
}
