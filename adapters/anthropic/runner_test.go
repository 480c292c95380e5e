package anthropic_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/anthropic"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
)

// toolUse is a recorded reply asking for one run_python call.
func toolUse(n int, code string) string {
	input, _ := json.Marshal(map[string]any{"code": code, "timeout_seconds": nil})
	return `{"id":"msg_` + string(rune('0'+n)) + `","type":"message","role":"assistant","model":"claude-test",
"content":[{"type":"text","text":"Running code."},{"type":"tool_use","id":"toolu_` + string(rune('0'+n)) + `","name":"run_python","input":` + string(input) + `}],
"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5}}`
}

const finalReply = `{"id":"msg_9","type":"message","role":"assistant","model":"claude-test",
"content":[{"type":"text","text":"x*2 is 42."}],"stop_reason":"end_turn","stop_sequence":null,
"usage":{"input_tokens":10,"output_tokens":5}}`

// lastToolResult returns the tool_result block of the last message of a request.
func lastToolResult(t *testing.T, request map[string]any) map[string]any {
	t.Helper()
	messages, _ := request["messages"].([]any)
	if len(messages) == 0 {
		t.Fatalf("request has no messages")
	}
	last, _ := messages[len(messages)-1].(map[string]any)
	content, _ := last["content"].([]any)
	for _, c := range content {
		if block, _ := c.(map[string]any); block["type"] == "tool_result" {
			return block
		}
	}
	t.Fatalf("last message has no tool_result: %v", last)
	return nil
}

func resultText(block map[string]any) string {
	var b strings.Builder
	content, _ := block["content"].([]any)
	for _, c := range content {
		if part, _ := c.(map[string]any); part["type"] == "text" {
			b.WriteString(part["text"].(string))
		}
	}
	return b.String()
}

// runToCompletion runs the SDK's tool runner with tools against api, a
// replay of recorded answers, and returns the final message.
func runToCompletion(ctx context.Context, t *testing.T, api *agenttest.Replay, tools []anthropic.BetaTool) *anthropic.BetaMessage {
	t.Helper()
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	client := anthropic.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("test-key"), option.WithMaxRetries(0))
	runner := client.Beta.Messages.NewToolRunner(tools, anthropic.BetaToolRunnerParams{
		BetaMessageNewParams: anthropic.BetaMessageNewParams{
			Model:     "claude-test",
			MaxTokens: 1024,
			Messages:  []anthropic.BetaMessageParam{anthropic.NewBetaUserMessage(anthropic.NewBetaTextBlock("What is x*2?"))},
		},
		DisableThread: true,
	})
	final, err := runner.RunToCompletion(ctx)
	if err != nil {
		t.Fatalf("RunToCompletion: %v", err)
	}
	return final
}

func TestToolRunnerAgainstEmulator(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	tk := agenttest.Toolkit(t)

	api := &agenttest.Replay{T: t, Path: "/v1/messages", Answers: []string{
		toolUse(1, "x = 21"),
		toolUse(2, "print(x * 2)"),
		toolUse(3, "1/0"),
		toolUse(4, "import base64\nopen('/mnt/data/dot.png', 'wb').write(base64.b64decode('"+agenttest.DotPNG+"'))"),
		finalReply,
	}}
	final := runToCompletion(ctx, t, api, adapter.Tools(tk, tk.Session("conversation-1"), nil))
	if got := final.Content[0].Text; got != agenttest.FinalAnswer {
		t.Errorf("final answer %q", got)
	}
	if len(api.Requests()) != 5 {
		t.Fatalf("the runner sent %d requests, want 5", len(api.Requests()))
	}

	tools, _ := api.Requests()[0]["tools"].([]any)
	var names []string
	for _, tool := range tools {
		tool := tool.(map[string]any)
		names = append(names, tool["name"].(string))
		if schema, _ := tool["input_schema"].(map[string]any); schema["type"] != "object" || schema["additionalProperties"] != false {
			t.Errorf("tool %v: input_schema lost the toolkit's keywords: %v", tool["name"], schema)
		}
	}
	if !strings.Contains(strings.Join(names, ","), "run_python") {
		t.Errorf("tools sent to the model: %v", names)
	}

	first := lastToolResult(t, api.Requests()[1])
	if first["is_error"] == true {
		t.Errorf("x = 21 came back as a failure: %v", first)
	}
	second := lastToolResult(t, api.Requests()[2])
	if text := resultText(second); !strings.Contains(text, "42") || second["is_error"] == true {
		t.Errorf("the second run did not see x: is_error=%v %q", second["is_error"], text)
	}
	failed := lastToolResult(t, api.Requests()[3])
	if text := resultText(failed); failed["is_error"] != true || !strings.Contains(text, "ZeroDivisionError") {
		t.Errorf("1/0 was not a failure the model sees: is_error=%v %q", failed["is_error"], text)
	}
	image := lastToolResult(t, api.Requests()[4])
	var sawImage bool
	for _, c := range image["content"].([]any) {
		part := c.(map[string]any)
		if part["type"] == "image" {
			source := part["source"].(map[string]any)
			sawImage = source["media_type"] == "image/png" && source["data"] == agenttest.DotPNG
		}
	}
	if !sawImage {
		t.Errorf("the image did not reach the model as an image block: %v", image)
	}
}

func TestToolsForTakesTheSessionFromTheContext(t *testing.T) {
	tk := agenttest.Toolkit(t)
	type key struct{}
	tools := adapter.ToolsFor(tk, func(ctx context.Context) (*agenttool.Session, error) {
		return tk.Session(ctx.Value(key{}).(string)), nil
	}, nil)
	var run anthropic.BetaTool
	for _, tool := range tools {
		if tool.Name() == agenttool.ToolRunPython {
			run = tool
		}
	}
	if run == nil {
		t.Fatal("no run_python tool")
	}
	ctx := context.Background()
	alice := context.WithValue(ctx, key{}, "alice")
	bob := context.WithValue(ctx, key{}, "bob")
	if _, err := run.Execute(alice, json.RawMessage(`{"code":"secret = 'alice'"}`)); err != nil {
		t.Fatal(err)
	}
	_, err := run.Execute(bob, json.RawMessage(`{"code":"print(secret)"}`))
	if err == nil || !strings.Contains(err.Error(), "NameError") {
		t.Errorf("bob's conversation saw alice's state: %v", err)
	}
	blocks, err := run.Execute(alice, json.RawMessage(`{"code":"print(secret)"}`))
	if err != nil || !strings.Contains(*blocks[0].GetText(), "alice") {
		t.Errorf("alice's state was lost: %v", err)
	}
}

func TestBadArgumentsAreAFailureNotAPanic(t *testing.T) {
	tk := agenttest.Toolkit(t)
	for _, tool := range adapter.Tools(tk, tk.Session("c"), nil) {
		if tool.Name() != agenttool.ToolRunPython {
			continue
		}
		_, err := tool.Execute(context.Background(), json.RawMessage(`{"code": 5}`))
		if err == nil {
			t.Errorf("a number for code was accepted")
		}
		if strings.Contains(err.Error(), "host error") {
			t.Errorf("bad arguments were reported as a host error: %v", err)
		}
	}
}

// The tool runner runs the calls of one answer concurrently, so they reach
// the session in no fixed order (x = 21 and print(x) in one answer failed
// about one run in two). What the model is sent says so in run_python's
// description, and ToolParams, for RunToolUses, which runs calls in order,
// does not.
func TestRunnerToolsSayCallsOfOneAnswerAreUnordered(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.Toolkit(t)
	api := &agenttest.Replay{T: t, Path: "/v1/messages", Answers: []string{finalReply}}
	runToCompletion(ctx, t, api, adapter.Tools(tk, tk.Session("c"), nil))
	tools, _ := api.Requests()[0]["tools"].([]any)
	for _, tool := range tools {
		tool := tool.(map[string]any)
		desc, _ := tool["description"].(string)
		if want := tool["name"] == agenttool.ToolRunPython; strings.Contains(desc, agenttool.UnorderedCallsNote) != want {
			t.Errorf("%v: the note on unordered calls is there: %v, want %v: %q", tool["name"], !want, want, desc)
		}
	}
	for _, p := range adapter.ToolParams(tk) {
		if strings.Contains(p.OfTool.Description.Value, agenttool.UnorderedCallsNote) {
			t.Errorf("%s: RunToolUses runs calls in order, but the description says otherwise", p.OfTool.Name)
		}
	}
}
