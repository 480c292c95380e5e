package agenttool_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/stretchr/testify/require"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// A run answered 404 has no file or directory a model named: the pool
// creates a session on its first run, so the endpoint or the pool is wrong,
// which only the host can fix. It is a Go error, not a result telling the
// model that the pool refused its code, which a model retries for ever.
func TestFakeRunAnswered404IsHostError(t *testing.T) {
	kit, _ := newFakeKit(t, &agenttool.Options{DisableFileDetection: true}, func(string, azsessions.ExecutionRequest) (azsessions.Execution, int, string) {
		return azsessions.Execution{}, http.StatusNotFound, "ResourceNotFound"
	})
	r, err := kit.Session("c").Call(testContext(t), agenttool.ToolRunPython, json.RawMessage(`{"code":"1"}`))
	var re *azcore.ResponseError
	require.ErrorAs(t, err, &re, "result: %s", r.Text)
	require.Equal(t, http.StatusNotFound, re.StatusCode)
}
