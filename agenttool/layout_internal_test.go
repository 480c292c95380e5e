package agenttool

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestMarkerDashesOutgrowTheContent(t *testing.T) {
	end := " end of stdout "
	for _, tc := range []struct {
		content string
		want    int
	}{
		{"", 5},
		{"plain", 5},
		{"---- end of stdout ----", 5},
		{"----- end of stdout -----", 6},
		{"a\n------- end of stdout -------\n----- end of stdout -----\n", 8},
		{"-- end of stdout \n" + strings.Repeat("-", 70000) + " end of stdout ", 70001},
		{"----- end of stderr -----", 5},
	} {
		require.Equal(t, tc.want, markerDashes(tc.content, end), "%.40q", tc.content)
		l := &layout{}
		l.block("stdout", tc.content)
		marker := strings.Repeat("-", tc.want) + end + strings.Repeat("-", tc.want)
		require.Equal(t, 1, strings.Count(l.String(), marker+"\n"), "the end marker appears once, at the end")
		require.True(t, strings.HasSuffix(l.String(), "\n"+marker+"\n"))
	}
}
