package openai_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/openai"
	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
)

// twoCalls is an answer whose first call runs and whose second meets a
// pool failure (agenttest.FailingToolkit fails the code holding FAIL-HERE).
const twoCalls = `[
{"id":"call_a","type":"function","function":{"name":"run_python","arguments":"{\"code\": \"print('ran')\"}"}},
{"id":"call_b","type":"function","function":{"name":"run_python","arguments":"{\"code\": \"print('FAIL-HERE')\"}"}}]`

// A host failure in a later call returns the tool messages of the calls
// whose code already ran, with the error, so the host does not lose them.
func TestChatHostFailureKeepsTheMessagesOfCallsThatRan(t *testing.T) {
	tk := agenttest.FailingToolkit(t, "FAIL-HERE")
	var msg openai.ChatCompletionMessage
	if err := json.Unmarshal([]byte(`{"role":"assistant","content":null,"tool_calls":`+twoCalls+`}`), &msg); err != nil {
		t.Fatal(err)
	}
	out, err := adapter.RunChatToolCalls(context.Background(), tk, tk.Session("c"), msg, nil)
	if err == nil {
		t.Fatal("a pool failure was not an error")
	}
	if len(out) != 1 || out[0].OfTool == nil || out[0].OfTool.ToolCallID != "call_a" {
		t.Fatalf("want the message of call_a, which ran: %+v", out)
	}
	if text := out[0].OfTool.Content.OfString.Value; !strings.Contains(text, "ran") {
		t.Errorf("call_a's message lost its output: %q", text)
	}
}

func TestResponsesHostFailureKeepsTheItemsOfCallsThatRan(t *testing.T) {
	tk := agenttest.FailingToolkit(t, "FAIL-HERE")
	var output []responses.ResponseOutputItemUnion
	if err := json.Unmarshal([]byte(`[
{"type":"function_call","id":"fc_a","call_id":"call_a","name":"run_python","arguments":"{\"code\": \"print('ran')\"}","status":"completed"},
{"type":"function_call","id":"fc_b","call_id":"call_b","name":"run_python","arguments":"{\"code\": \"print('FAIL-HERE')\"}","status":"completed"}]`), &output); err != nil {
		t.Fatal(err)
	}
	out, err := adapter.RunResponseToolCalls(context.Background(), tk, tk.Session("c"), output)
	if err == nil {
		t.Fatal("a pool failure was not an error")
	}
	if len(out) != 1 || out[0].OfFunctionCallOutput == nil || out[0].OfFunctionCallOutput.CallID.Value != "call_a" {
		t.Fatalf("want the output of call_a, which ran: %+v", out)
	}
}
