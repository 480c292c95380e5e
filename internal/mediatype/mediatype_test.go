package mediatype

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestByExtensionIgnoresCasingAndKnowsTheSpecsExample(t *testing.T) {
	for name, want := range map[string]string{
		"config.yaml":  "application/yaml",
		"CHART.PNG":    "image/png",
		"a/b/data.Csv": "text/csv",
	} {
		got, ok := ByExtension(name)
		require.True(t, ok, name)
		require.Equal(t, want, got, name)
	}
	_, ok := ByExtension("archive.unknownext")
	require.False(t, ok)
	_, ok = ByExtension("Makefile")
	require.False(t, ok, "a name without an extension has no type")
}
