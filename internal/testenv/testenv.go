// Package testenv lets tests say what they need from the machine, so that a
// test skips on a developer's machine that lacks it but fails in CI, which
// installs it first.
package testenv

import (
	"os"
	"testing"
)

// RequireDepsEnv is the environment variable the repository's test script
// sets when it has installed every dependency a test may ask for. With it
// set to 1, a missing dependency fails the test instead of skipping it.
const RequireDepsEnv = "AZSESSIONS_REQUIRE_DEPS"

// Missing ends a test that cannot run without what: it skips the test, or
// fails it when RequireDepsEnv is 1 (CI, where the test script installed
// what; a skip there would hide an untested path). install says how to get
// it, for example "apt-get install python3-matplotlib".
func Missing(t testing.TB, what, install string) {
	t.Helper()
	if os.Getenv(RequireDepsEnv) == "1" {
		t.Fatalf("%s is missing, but %s=1 says the test script installed it (%s)", what, RequireDepsEnv, install)
		return
	}
	t.Skipf("%s is missing (%s)", what, install)
}
