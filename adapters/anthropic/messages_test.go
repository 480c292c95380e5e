package anthropic_test

import (
	"context"
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

// A host's own loop over client.Messages.New, with ToolParams and RunToolUses.
func TestMessagesLoopAgainstEmulator(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.Toolkit(t)
	session := tk.Session("conversation-1")

	api := &agenttest.Replay{T: t, Path: "/v1/messages", Answers: []string{
		toolUse(1, "x = 21"),
		toolUse(2, "print(x * 2)"),
		// A failing run that also made an image: the failure keeps it.
		toolUse(3, "import base64\nopen('/mnt/data/dot.png', 'wb').write(base64.b64decode('"+agenttest.DotPNG+"'))\n1/0"),
		finalReply,
	}}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	client := anthropic.NewClient(option.WithBaseURL(srv.URL), option.WithAPIKey("test-key"), option.WithMaxRetries(0))

	messages := []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("What is x*2?"))}
	var final string
	for turn := 0; turn < 10; turn++ {
		msg, err := client.Messages.New(ctx, anthropic.MessageNewParams{
			Model: "claude-test", MaxTokens: 1024, Messages: messages, Tools: adapter.ToolParams(tk),
		})
		if err != nil {
			t.Fatalf("turn %d: %v", turn, err)
		}
		messages = append(messages, msg.ToParam())
		results, err := adapter.RunToolUses(ctx, tk, session, msg)
		if err != nil {
			t.Fatalf("turn %d: RunToolUses: %v", turn, err)
		}
		if len(results) == 0 {
			final = msg.Content[0].Text
			break
		}
		messages = append(messages, anthropic.NewUserMessage(results...))
	}
	if final != agenttest.FinalAnswer {
		t.Fatalf("final answer %q", final)
	}
	if len(api.Requests()) != 4 {
		t.Fatalf("%d requests, want 4", len(api.Requests()))
	}
	if tool := api.Requests()[0]["tools"].([]any)[0].(map[string]any); tool["input_schema"].(map[string]any)["additionalProperties"] != false {
		t.Errorf("the tool's schema lost the toolkit's keywords: %v", tool)
	}
	if second := lastToolResult(t, api.Requests()[2]); second["is_error"] != false || !strings.Contains(resultText(second), "42") {
		t.Errorf("the second run did not see x: %v", second)
	}
	failed := lastToolResult(t, api.Requests()[3])
	if failed["is_error"] != true || !strings.Contains(resultText(failed), "ZeroDivisionError") {
		t.Errorf("1/0 was not a failure the model sees: %v", failed)
	}
	var sawImage bool
	for _, c := range failed["content"].([]any) {
		if part := c.(map[string]any); part["type"] == "image" {
			sawImage = part["source"].(map[string]any)["data"] == agenttest.DotPNG
		}
	}
	if !sawImage {
		t.Errorf("the failed run's image did not reach the model: %v", failed)
	}
}

// In the tool runner a host failure becomes an is_error result saying so
// (the runner does not stop for a tool's error); RunToolUses returns it.
func TestHostFailure(t *testing.T) {
	tk := agenttest.Toolkit(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tool := range adapter.Tools(tk, tk.Session("c"), nil) {
		if tool.Name() != agenttool.ToolRunPython {
			continue
		}
		if _, err := tool.Execute(ctx, []byte(`{"code": "print(1)"}`)); err == nil || !strings.HasPrefix(err.Error(), "host error: ") {
			t.Errorf("tool runner: want a host error, got %v", err)
		}
	}
	var msg anthropic.Message
	if err := msg.UnmarshalJSON([]byte(toolUse(1, "print(1)"))); err != nil {
		t.Fatal(err)
	}
	if blocks, err := adapter.RunToolUses(ctx, tk, tk.Session("c"), &msg); err == nil || blocks != nil {
		t.Errorf("RunToolUses: want an error and no blocks, got %v %v", err, blocks)
	}
}
