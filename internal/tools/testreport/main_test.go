package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReportListsSkipsAndFailsOnAFailedTest(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"    a_test.go:9: python3 is missing (apt-get install python3)\n"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"--- SKIP: TestA (0.00s)\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:3: wrong answer\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestB"}`,
		`{"Action":"output","Package":"p","Test":"TestC","Output":"quiet\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestC"}`,
		`{"Action":"fail","Package":"p","Elapsed":1.5}`,
		`{"Action":"pass","Package":"q","Elapsed":0.2}`,
	}, "\n")
	var out strings.Builder
	failed, err := report(strings.NewReader(in), &out)
	require.NoError(t, err)
	require.True(t, failed)
	got := out.String()
	require.Contains(t, got, "wrong answer")
	require.NotContains(t, got, "quiet", "a passing test's output is not printed")
	require.Contains(t, got, "FAIL p 1.5s")
	require.Contains(t, got, "ok   q 0.2s")
	require.Contains(t, got, "1 skipped tests\nSKIP p TestA: a_test.go:9: python3 is missing (apt-get install python3)")
}

func TestReportFailsOnABuildFailure(t *testing.T) {
	in := `{"ImportPath":"p [p.test]","Action":"build-output","Output":"p/x.go:1:1: syntax error\n"}
{"ImportPath":"p [p.test]","Action":"build-fail"}
not json at all`
	var out strings.Builder
	failed, err := report(strings.NewReader(in), &out)
	require.NoError(t, err)
	require.True(t, failed)
	require.Contains(t, out.String(), "syntax error")
	require.Contains(t, out.String(), "not json at all")
}

func TestReportPassesAGreenRun(t *testing.T) {
	var out strings.Builder
	failed, err := report(strings.NewReader(`{"Action":"pass","Package":"p","Elapsed":0.1}`), &out)
	require.NoError(t, err)
	require.False(t, failed)
	require.Contains(t, out.String(), "0 skipped tests")
}
