package anthropic_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/anthropics/anthropic-sdk-go/v2"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/anthropic"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
)

// A pool failure reaches the model as a fixed sentence, not as the
// azcore error's text (request URL with the session identifier, the
// service's answer); the host gets the detail through OnHostError.
func TestHostErrorTellsTheModelASentenceAndTheHostTheDetail(t *testing.T) {
	tk := agenttest.FailingToolkit(t, "FAIL-HERE")
	session := tk.Session("c")
	var hostTool string
	var hostErr error
	tools := adapter.Tools(tk, session, &adapter.Options{OnHostError: func(_ context.Context, tool string, err error) {
		hostTool, hostErr = tool, err
	}})
	run := toolNamed(t, tools, agenttool.ToolRunPython)
	_, err := run.Execute(context.Background(), json.RawMessage(`{"code":"print('FAIL-HERE')"}`))
	if err == nil {
		t.Fatal("a pool failure was not an error")
	}
	text := err.Error()
	for _, leak := range []string{agenttest.FailDetail, session.Identifier(), "http"} {
		if strings.Contains(text, leak) {
			t.Errorf("the model sees %q: %s", leak, text)
		}
	}
	if !strings.Contains(text, "403") || !strings.Contains(text, "tell the user") {
		t.Errorf("the sentence does not say the service failed and to tell the user: %s", text)
	}
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.StatusCode != 403 {
		t.Errorf("the error does not unwrap to the pool's answer: %v", err)
	}
	if hostTool != agenttool.ToolRunPython || hostErr == nil || !strings.Contains(hostErr.Error(), agenttest.FailDetail) {
		t.Errorf("OnHostError got %q %v, want the tool and the detail", hostTool, hostErr)
	}
}

func TestNoSessionIsAHostError(t *testing.T) {
	tk := agenttest.Toolkit(t)
	var hostErr error
	tools := adapter.ToolsFor(tk, func(context.Context) (*agenttool.Session, error) {
		return nil, errors.New("conversation 7 is unknown")
	}, &adapter.Options{OnHostError: func(_ context.Context, _ string, err error) { hostErr = err }})
	_, err := toolNamed(t, tools, agenttool.ToolRunPython).Execute(context.Background(), json.RawMessage(`{"code":"1"}`))
	var he *adapter.HostError
	if !errors.As(err, &he) || strings.Contains(err.Error(), "conversation 7") {
		t.Errorf("want a HostError without the detail: %v", err)
	}
	if hostErr == nil || !strings.Contains(hostErr.Error(), "conversation 7 is unknown") {
		t.Errorf("OnHostError got %v", hostErr)
	}
}

// A host failure in a later tool_use returns the blocks of the calls whose
// code already ran, with the error.
func TestRunToolUsesHostFailureKeepsTheBlocksOfCallsThatRan(t *testing.T) {
	tk := agenttest.FailingToolkit(t, "FAIL-HERE")
	var msg anthropic.Message
	if err := json.Unmarshal([]byte(`{"id":"msg_1","type":"message","role":"assistant","model":"claude-test",
"content":[{"type":"tool_use","id":"toolu_a","name":"run_python","input":{"code":"print('ran')"}},
{"type":"tool_use","id":"toolu_b","name":"run_python","input":{"code":"print('FAIL-HERE')"}}],
"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5}}`), &msg); err != nil {
		t.Fatal(err)
	}
	out, err := adapter.RunToolUses(context.Background(), tk, tk.Session("c"), &msg)
	if err == nil {
		t.Fatal("a pool failure was not an error")
	}
	if len(out) != 1 || out[0].OfToolResult == nil || out[0].OfToolResult.ToolUseID != "toolu_a" {
		t.Fatalf("want the result of toolu_a, which ran: %+v", out)
	}
}

func toolNamed(t *testing.T, tools []anthropic.BetaTool, name string) anthropic.BetaTool {
	t.Helper()
	for _, tool := range tools {
		if tool.Name() == name {
			return tool
		}
	}
	t.Fatalf("no tool %s", name)
	return nil
}
