package openai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/responses"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/openai"
	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
)

func arguments(code string) string {
	args, _ := json.Marshal(map[string]any{"code": code, "timeout_seconds": nil})
	quoted, _ := json.Marshal(string(args))
	return string(quoted)
}

func chatAnswer(i int, code string) string {
	return fmt.Sprintf(`{"id":"chatcmpl-%d","object":"chat.completion","created":1700000000,"model":"gpt-test",
"choices":[{"index":0,"finish_reason":"tool_calls","logprobs":null,"message":{"role":"assistant","content":null,"refusal":null,
"tool_calls":[{"id":"call_%d","type":"function","function":{"name":"run_python","arguments":%s}}]}}],
"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`, i, i, arguments(code))
}

const chatFinal = `{"id":"chatcmpl-9","object":"chat.completion","created":1700000000,"model":"gpt-test",
"choices":[{"index":0,"finish_reason":"stop","logprobs":null,"message":{"role":"assistant","content":"x*2 is 42.","refusal":null}}],
"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}`

func TestChatCompletionsLoopAgainstEmulator(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.Toolkit(t)
	session := tk.Session("conversation-1")

	api, client := replayedAPI(t, "/v1/chat/completions", chatAnswer, chatFinal)

	messages := []openai.ChatCompletionMessageParamUnion{openai.UserMessage("What is x*2?")}
	var final string
	for turn := 0; turn < 10; turn++ {
		resp, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
			Model: "gpt-test", Messages: messages, Tools: adapter.ChatTools(tk),
		})
		if err != nil {
			t.Fatalf("turn %d: %v", turn, err)
		}
		msg := resp.Choices[0].Message
		messages = append(messages, msg.ToParam())
		if len(msg.ToolCalls) == 0 {
			final = msg.Content
			break
		}
		results, err := adapter.RunChatToolCalls(ctx, tk, session, msg, &adapter.ChatOptions{ImagesAsUserMessage: true})
		if err != nil {
			t.Fatalf("turn %d: RunChatToolCalls: %v", turn, err)
		}
		messages = append(messages, results...)
	}
	if final != agenttest.FinalAnswer {
		t.Fatalf("final answer %q", final)
	}
	if len(api.Requests()) != len(agenttest.Script)+1 {
		t.Fatalf("%d requests, want %d", len(api.Requests()), len(agenttest.Script)+1)
	}

	tools := api.Requests()[0]["tools"].([]any)
	for _, tool := range tools {
		fn := tool.(map[string]any)["function"].(map[string]any)
		if fn["strict"] != true {
			t.Errorf("function %v is not strict", fn["name"])
		}
	}

	toolText := func(request map[string]any) (string, []any) {
		messages := request["messages"].([]any)
		var text string
		var images []any
		for _, m := range messages[len(messages)-2:] {
			m := m.(map[string]any)
			switch m["role"] {
			case "tool":
				text = m["content"].(string)
			case "user":
				for _, part := range m["content"].([]any) {
					if part := part.(map[string]any); part["type"] == "image_url" {
						images = append(images, part)
					}
				}
			}
		}
		if text == "" {
			messages := request["messages"].([]any)
			text, _ = messages[len(messages)-1].(map[string]any)["content"].(string)
		}
		return text, images
	}
	if text, _ := toolText(api.Requests()[2]); !strings.Contains(text, "42") {
		t.Errorf("the second run did not see x: %q", text)
	}
	if text, _ := toolText(api.Requests()[3]); !strings.Contains(text, "ZeroDivisionError") || !strings.Contains(strings.ToLower(text), "error") {
		t.Errorf("1/0 was not a failure the model sees: %q", text)
	}
	text, images := toolText(api.Requests()[4])
	if !strings.Contains(text, "image/png") || !strings.Contains(text, "user message that follows") {
		t.Errorf("the tool message does not describe the image: %q", text)
	}
	if len(images) != 1 || !strings.HasSuffix(images[0].(map[string]any)["image_url"].(map[string]any)["url"].(string), agenttest.DotPNG) {
		t.Errorf("the image was not sent in a user message: %v", images)
	}
}

func responseAnswer(i int, code string) string {
	return fmt.Sprintf(`{"id":"resp_%d","object":"response","created_at":1700000000,"status":"completed","model":"gpt-test",
"output":[{"type":"function_call","id":"fc_%d","call_id":"call_%d","name":"run_python","arguments":%s,"status":"completed"}],
"parallel_tool_calls":true,"tool_choice":"auto","tools":[],"temperature":1,"top_p":1,
"usage":{"input_tokens":10,"output_tokens":5,"total_tokens":15,"input_tokens_details":{"cached_tokens":0},"output_tokens_details":{"reasoning_tokens":0}}}`,
		i, i, i, arguments(code))
}

const responseFinal = `{"id":"resp_9","object":"response","created_at":1700000000,"status":"completed","model":"gpt-test",
"output":[{"type":"message","id":"msg_9","role":"assistant","status":"completed","content":[{"type":"output_text","text":"x*2 is 42.","annotations":[]}]}],
"parallel_tool_calls":true,"tool_choice":"auto","tools":[],"temperature":1,"top_p":1}`

func TestResponsesLoopAgainstEmulator(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.Toolkit(t)
	session := tk.Session("conversation-1")

	api, client := replayedAPI(t, "/v1/responses", responseAnswer, responseFinal)

	params := responses.ResponseNewParams{
		Model: "gpt-test",
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("What is x*2?")},
		Tools: adapter.ResponseTools(tk),
	}
	var final string
	for turn := 0; turn < 10; turn++ {
		resp, err := client.Responses.New(ctx, params)
		if err != nil {
			t.Fatalf("turn %d: %v", turn, err)
		}
		outputs, err := adapter.RunResponseToolCalls(ctx, tk, session, resp.Output)
		if err != nil {
			t.Fatalf("turn %d: RunResponseToolCalls: %v", turn, err)
		}
		if len(outputs) == 0 {
			final = resp.OutputText()
			break
		}
		params.PreviousResponseID = openai.String(resp.ID)
		params.Input = responses.ResponseNewParamsInputUnion{OfInputItemList: outputs}
	}
	if final != agenttest.FinalAnswer {
		t.Fatalf("final answer %q", final)
	}
	if len(api.Requests()) != len(agenttest.Script)+1 {
		t.Fatalf("%d requests, want %d", len(api.Requests()), len(agenttest.Script)+1)
	}
	output := func(request map[string]any) (string, []map[string]any) {
		items := request["input"].([]any)
		item := items[0].(map[string]any)
		if item["type"] != "function_call_output" {
			t.Fatalf("input item %v", item)
		}
		var text string
		var images []map[string]any
		for _, part := range item["output"].([]any) {
			part := part.(map[string]any)
			switch part["type"] {
			case "input_text":
				text += part["text"].(string)
			case "input_image":
				images = append(images, part)
			}
		}
		return text, images
	}
	if text, _ := output(api.Requests()[2]); !strings.Contains(text, "42") {
		t.Errorf("the second run did not see x: %q", text)
	}
	if text, _ := output(api.Requests()[3]); !strings.Contains(text, "ZeroDivisionError") || !strings.Contains(strings.ToLower(text), "error") {
		t.Errorf("1/0 was not a failure the model sees: %q", text)
	}
	if _, images := output(api.Requests()[4]); len(images) != 1 || images[0]["image_url"] != "data:image/png;base64,"+agenttest.DotPNG {
		t.Errorf("the image did not come back as input_image: %v", images)
	}
}

func TestOtherFunctionsAreLeftToTheHost(t *testing.T) {
	tk := agenttest.Toolkit(t)
	var msg openai.ChatCompletionMessage
	if err := json.Unmarshal([]byte(`{"role":"assistant","content":null,"tool_calls":[
{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{}"}},
{"id":"call_b","type":"function","function":{"name":"run_python","arguments":"{\"code\": 5}"}}]}`), &msg); err != nil {
		t.Fatal(err)
	}
	out, err := adapter.RunChatToolCalls(context.Background(), tk, tk.Session("c"), msg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || out[0].OfTool == nil || out[0].OfTool.ToolCallID != "call_b" {
		t.Fatalf("want one answer, to call_b: %+v", out)
	}
	if text := out[0].OfTool.Content.OfString.Value; !strings.Contains(strings.ToLower(text), "error") && !strings.Contains(text, "code") {
		t.Errorf("bad arguments did not come back as a failure: %q", text)
	}
}

// A failure only the host can fix (here, a context that ended) is a Go
// error for the host, and no message goes to the model.
func TestHostFailureIsAGoError(t *testing.T) {
	tk := agenttest.Toolkit(t)
	var msg openai.ChatCompletionMessage
	if err := json.Unmarshal([]byte(`{"role":"assistant","content":null,"tool_calls":[
{"id":"call_a","type":"function","function":{"name":"run_python","arguments":"{\"code\": \"print(1)\"}"}}]}`), &msg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if out, err := adapter.RunChatToolCalls(ctx, tk, tk.Session("c"), msg, nil); err == nil || out != nil {
		t.Errorf("a cancelled context: want an error and no messages, got %v %+v", err, out)
	}
}

// replayedAPI serves the scripted conversation at path: answer(n, code)
// for each step of agenttest.Script, then final. It returns the replay and
// an OpenAI client of it, closed with the test.
func replayedAPI(t *testing.T, path string, answer func(n int, code string) string, final string) (*agenttest.Replay, openai.Client) {
	t.Helper()
	api := &agenttest.Replay{T: t, Path: path}
	for i, code := range agenttest.Script {
		api.Answers = append(api.Answers, answer(i+1, code))
	}
	api.Answers = append(api.Answers, final)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, openai.NewClient(option.WithBaseURL(srv.URL+"/v1/"), option.WithAPIKey("test-key"), option.WithMaxRetries(0))
}
