package langchaingo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/llms"
	"github.com/tmc/langchaingo/tools"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/langchaingo"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
)

// scriptedModel is an llms.Model that answers with the next scripted tool
// call (its arguments as written, for the agent to parse) and, when the
// script is done, with a final text. It keeps the tool results it was sent.
type scriptedModel struct {
	mu        sync.Mutex
	arguments []string
	turn      int
	seen      []string // the last tool result of each request after the first
	functions []llms.FunctionDefinition
}

func (m *scriptedModel) GenerateContent(_ context.Context, messages []llms.MessageContent, options ...llms.CallOption) (*llms.ContentResponse, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var opts llms.CallOptions
	for _, o := range options {
		o(&opts)
	}
	m.functions = opts.Functions
	if m.turn > 0 {
		last := messages[len(messages)-1]
		resp, ok := last.Parts[0].(llms.ToolCallResponse)
		if !ok {
			return nil, fmt.Errorf("turn %d: the last message is not a tool result: %#v", m.turn, last)
		}
		m.seen = append(m.seen, resp.Content)
	}
	m.turn++
	if m.turn > len(m.arguments) {
		return &llms.ContentResponse{Choices: []*llms.ContentChoice{{Content: agenttest.FinalAnswer}}}, nil
	}
	return &llms.ContentResponse{Choices: []*llms.ContentChoice{{
		ToolCalls: []llms.ToolCall{{
			ID:           fmt.Sprintf("call_%d", m.turn),
			Type:         "function",
			FunctionCall: &llms.FunctionCall{Name: agenttool.ToolRunPython, Arguments: m.arguments[m.turn-1]},
		}},
	}}}, nil
}

func (m *scriptedModel) Call(ctx context.Context, prompt string, options ...llms.CallOption) (string, error) {
	return llms.GenerateFromSinglePrompt(ctx, m, prompt, options...)
}

func wrapped(s string) string {
	b, _ := json.Marshal(map[string]string{"__arg1": s})
	return string(b)
}

func TestOpenAIFunctionsAgentAgainstEmulator(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.Toolkit(t)

	var mu sync.Mutex
	var got []agenttool.Image
	opts := &adapter.Options{OnImages: func(_ context.Context, tool string, images []agenttool.Image) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, images...)
	}}
	model := &scriptedModel{arguments: []string{
		wrapped("x = 21"),          // the agent's own wrapping, plain code inside
		`{"code": "print(x * 2)"}`, // raw JSON of the toolkit's schema
		wrapped(`{"code": "1/0"}`), // JSON inside the wrapping
		wrapped("```python\nimport base64\nopen('/mnt/data/dot.png', 'wb').write(base64.b64decode('" + agenttest.DotPNG + "'))\n```"),
	}}
	agent := agents.NewOpenAIFunctionsAgent(model, adapter.Tools(tk, tk.Session("conversation-1"), opts))
	executor := agents.NewExecutor(agent, agents.WithMaxIterations(10))
	answer, err := chains.Run(ctx, executor, "What is x*2?")
	if err != nil {
		t.Fatalf("the agent run failed: %v", err)
	}
	if answer != agenttest.FinalAnswer {
		t.Errorf("answer %q", answer)
	}
	if len(model.seen) != 4 {
		t.Fatalf("the model saw %d tool results, want 4: %q", len(model.seen), model.seen)
	}
	if !strings.HasPrefix(model.seen[0], "status: succeeded") {
		t.Errorf("x = 21: %q", model.seen[0])
	}
	if !strings.Contains(model.seen[1], "42") {
		t.Errorf("the second run did not see x: %q", model.seen[1])
	}
	if !strings.HasPrefix(model.seen[2], "status: failed") || !strings.Contains(model.seen[2], "ZeroDivisionError") {
		t.Errorf("1/0 was not a failure the model sees: %q", model.seen[2])
	}
	if !strings.Contains(model.seen[3], "image/png") || !strings.Contains(model.seen[3], "went to the user") {
		t.Errorf("the image is not described to the model: %q", model.seen[3])
	}
	if strings.Contains(model.seen[3], agenttest.DotPNG) {
		t.Errorf("the image's base64 reached the model's text")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].MIMEType != "image/png" {
		t.Errorf("the host callback got %d images: %+v", len(got), got)
	}
	var names []string
	for _, f := range model.functions {
		names = append(names, f.Name)
	}
	if !strings.Contains(strings.Join(names, " "), agenttool.ToolRunPython) {
		t.Errorf("functions offered to the model: %v", names)
	}
}

func tool(t *testing.T, ts []tools.Tool, name string) tools.Tool {
	t.Helper()
	for _, tl := range ts {
		if tl.Name() == name {
			return tl
		}
	}
	t.Fatalf("no tool %s", name)
	return nil
}

func TestInputForms(t *testing.T) {
	ctx := context.Background()
	tk := agenttest.Toolkit(t)
	ts := adapter.Tools(tk, tk.Session("forms"), nil)
	run := tool(t, ts, agenttool.ToolRunPython)
	if d := run.Description(); !strings.Contains(d, `"code": string`) || !strings.Contains(d, "plain text") {
		t.Errorf("the description does not say how to write the input: %q", d)
	}
	for _, input := range []string{
		`print("hi")`,
		`{"code": "print(\"hi\")"}`,
		`{"code": "print(\"hi\")", "timeout_seconds": null}`,
		`{"__arg1": "print(\"hi\")"}`,
		`{"__arg1": "{\"code\": \"print('hi')\"}"}`,
		"```python\nprint('hi')\n```",
	} {
		out, err := run.Call(ctx, input)
		if err != nil || !strings.HasPrefix(out, "status: succeeded") || !strings.Contains(out, "hi") {
			t.Errorf("input %q: %v %q", input, err, out)
		}
	}
	for _, input := range []string{`{"code": 5}`, `{"cod": "print(1)"}`} {
		out, err := run.Call(ctx, input)
		if err != nil || !strings.HasPrefix(out, "status: error") {
			t.Errorf("bad input %q: want a failure as text, got %v %q", input, err, out)
		}
	}
	upload := tool(t, ts, agenttool.ToolUploadFile)
	if out, err := upload.Call(ctx, "just some text"); err != nil || !strings.HasPrefix(out, "status: error") {
		t.Errorf("upload_file with plain text: want a failure as text, got %v %q", err, out)
	}
	if out, err := upload.Call(ctx, `{"path": "a.txt", "content": "hello", "encoding": "text"}`); err != nil || !strings.HasPrefix(out, "status: succeeded") {
		t.Errorf("upload_file: %v %q", err, out)
	}
	if out, err := tool(t, ts, agenttool.ToolDownloadFile).Call(ctx, "a.txt"); err != nil || !strings.Contains(out, "hello") {
		t.Errorf("download_file with a plain path: %v %q", err, out)
	}
	list := tool(t, ts, agenttool.ToolListFiles)
	for _, input := range []string{"", "/mnt/data", `{}`} {
		if out, err := list.Call(ctx, input); err != nil || !strings.Contains(out, "a.txt") {
			t.Errorf("list_files %q: %v %q", input, err, out)
		}
	}
	if out, err := tool(t, ts, agenttool.ToolPoolInfo).Call(ctx, "anything"); err != nil || !strings.HasPrefix(out, "status: succeeded") {
		t.Errorf("pool_info ignores its input: %v %q", err, out)
	}
}

func TestToolsForKeepsConversationsApart(t *testing.T) {
	tk := agenttest.Toolkit(t)
	type key struct{}
	run := tool(t, adapter.ToolsFor(tk, func(ctx context.Context) (*agenttool.Session, error) {
		id, ok := ctx.Value(key{}).(string)
		if !ok {
			return nil, fmt.Errorf("no conversation in the context")
		}
		return tk.Session(id), nil
	}, nil), agenttool.ToolRunPython)
	alice := context.WithValue(context.Background(), key{}, "alice")
	bob := context.WithValue(context.Background(), key{}, "bob")
	if _, err := run.Call(alice, "secret = 'alice'"); err != nil {
		t.Fatal(err)
	}
	if out, err := run.Call(bob, "print(secret)"); err != nil || !strings.Contains(out, "NameError") {
		t.Errorf("bob's conversation saw alice's state: %v %q", err, out)
	}
	if _, err := run.Call(context.Background(), "print(1)"); err == nil {
		t.Errorf("a call with no session was not a Go error")
	}
}

// A failure only the host can fix (here, a context that ended) is a Go
// error, which ends the agent run, not text for the model.
func TestHostFailureIsAGoError(t *testing.T) {
	tk := agenttest.Toolkit(t)
	run := tool(t, adapter.Tools(tk, tk.Session("c"), nil), agenttool.ToolRunPython)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if out, err := run.Call(ctx, "print(1)"); err == nil {
		t.Errorf("a cancelled context gave no error but %q", out)
	}
}
