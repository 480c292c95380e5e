package testenv

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// recorder is a testing.TB that records how a test ended instead of ending.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *recorder) Skipf(format string, args ...any)  { r.skip = fmt.Sprintf(format, args...) }

func TestMissingSkipsOnADeveloperMachine(t *testing.T) {
	t.Setenv(RequireDepsEnv, "")
	r := &recorder{TB: t}
	Missing(r, "IPython", "apt-get install python3-ipython")
	require.Empty(t, r.fatal)
	require.Equal(t, "IPython is missing (apt-get install python3-ipython)", r.skip)
}

func TestMissingFailsWhenTheTestScriptInstalledDependencies(t *testing.T) {
	t.Setenv(RequireDepsEnv, "1")
	r := &recorder{TB: t}
	Missing(r, "IPython", "apt-get install python3-ipython")
	require.Empty(t, r.skip)
	require.Contains(t, r.fatal, "IPython is missing")
	require.Contains(t, r.fatal, RequireDepsEnv)
}
