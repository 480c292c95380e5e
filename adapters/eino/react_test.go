package eino_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/flow/agent/react"
	"github.com/cloudwego/eino/schema"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/eino"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
)

// scriptedModel is a tool-calling chat model that asks for the next
// run_python call of agenttest.Script and, when the script is done, answers. It
// keeps the tool messages it was sent and the tools it was given.
type scriptedModel struct {
	mu    *sync.Mutex
	turn  *int
	seen  *[]*schema.Message
	tools []*schema.ToolInfo
	given *[]*schema.ToolInfo
}

func newScriptedModel() *scriptedModel {
	return &scriptedModel{mu: &sync.Mutex{}, turn: new(int), seen: &[]*schema.Message{}, given: &[]*schema.ToolInfo{}}
}

func (m *scriptedModel) WithTools(tools []*schema.ToolInfo) (model.ToolCallingChatModel, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	*m.given = tools
	c := *m
	c.tools = tools
	return &c, nil
}

func (m *scriptedModel) Generate(_ context.Context, input []*schema.Message, _ ...model.Option) (*schema.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if *m.turn > 0 {
		last := input[len(input)-1]
		if last.Role != schema.Tool {
			return nil, fmt.Errorf("turn %d: the last message is a %s message, not a tool result", *m.turn, last.Role)
		}
		*m.seen = append(*m.seen, last)
	}
	*m.turn++
	if *m.turn > len(agenttest.Script) {
		return schema.AssistantMessage(agenttest.FinalAnswer, nil), nil
	}
	args, _ := json.Marshal(map[string]any{"code": agenttest.Script[*m.turn-1], "timeout_seconds": nil})
	return schema.AssistantMessage("", []schema.ToolCall{{
		ID:       fmt.Sprintf("call_%d", *m.turn),
		Type:     "function",
		Function: schema.FunctionCall{Name: agenttool.ToolRunPython, Arguments: string(args)},
	}}), nil
}

func (m *scriptedModel) Stream(ctx context.Context, input []*schema.Message, opts ...model.Option) (*schema.StreamReader[*schema.Message], error) {
	return streamOne(m.Generate(ctx, input, opts...))
}

// streamOne streams a generated message as one chunk.
func streamOne(msg *schema.Message, err error) (*schema.StreamReader[*schema.Message], error) {
	if err != nil {
		return nil, err
	}
	return schema.StreamReaderFromArray([]*schema.Message{msg}), nil
}

// generate runs a ReAct agent of m and tools, configured as the example
// is, on one question and returns its answer.
func generate(ctx context.Context, t *testing.T, m model.ToolCallingChatModel, tools []tool.BaseTool) *schema.Message {
	t.Helper()
	agent, err := react.NewAgent(ctx, &react.AgentConfig{
		ToolCallingModel: m,
		ToolsConfig:      compose.ToolsNodeConfig{Tools: tools, ExecuteSequentially: true},
		MaxStep:          20,
	})
	if err != nil {
		t.Fatalf("NewAgent: %v", err)
	}
	answer, err := agent.Generate(ctx, []*schema.Message{schema.UserMessage("What is x*2?")})
	if err != nil {
		t.Fatalf("the agent run failed: %v", err)
	}
	return answer
}

func runAgent(t *testing.T, tools []tool.BaseTool) (*schema.Message, *scriptedModel) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	m := newScriptedModel()
	answer := generate(ctx, t, m, tools)
	if len(*m.seen) != len(agenttest.Script) {
		t.Fatalf("the model saw %d tool results, want %d", len(*m.seen), len(agenttest.Script))
	}
	return answer, m
}

// text is the text of a tool message, wherever the ToolsNode put it.
func text(msg *schema.Message) string {
	s := msg.Content
	for _, p := range msg.UserInputMultiContent {
		if p.Type == schema.ChatMessagePartTypeText {
			s += p.Text
		}
	}
	return s
}

func TestReActAgentAgainstEmulator(t *testing.T) {
	tk := agenttest.Toolkit(t)
	tools, err := adapter.Tools(tk, tk.Session("conversation-1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	answer, m := runAgent(t, tools)
	if answer.Content != agenttest.FinalAnswer {
		t.Errorf("answer %q", answer.Content)
	}
	seen := *m.seen
	if !strings.HasPrefix(text(seen[0]), "status: succeeded") {
		t.Errorf("x = 21: %q", text(seen[0]))
	}
	if !strings.Contains(text(seen[1]), "42") {
		t.Errorf("the second run did not see x: %q", text(seen[1]))
	}
	if s := text(seen[2]); !strings.HasPrefix(s, "status: failed") || !strings.Contains(s, "ZeroDivisionError") {
		t.Errorf("1/0 was not a failure the model sees: %q", s)
	}
	var images []*schema.MessageInputImage
	for _, p := range seen[3].UserInputMultiContent {
		if p.Type == schema.ChatMessagePartTypeImageURL {
			images = append(images, p.Image)
		}
	}
	if len(images) != 1 || images[0].Base64Data == nil || *images[0].Base64Data != agenttest.DotPNG || images[0].MIMEType != "image/png" {
		t.Errorf("the image did not reach the model as an image part: %+v", seen[3].UserInputMultiContent)
	}

	var run *schema.ToolInfo
	for _, info := range *m.given {
		if info.Name == agenttool.ToolRunPython {
			run = info
		}
		if want := info.Name == agenttool.ToolRunPython; strings.Contains(info.Desc, agenttool.UnorderedCallsNote) != want {
			t.Errorf("%s: the note on unordered calls is there: %v, want %v", info.Name, !want, want)
		}
	}
	if run == nil {
		t.Fatal("run_python was not given to the model")
	}
	js, err := run.ToJSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(js)
	if !strings.Contains(string(raw), `"code"`) || !strings.Contains(string(raw), `"additionalProperties":false`) || !strings.Contains(string(raw), `["integer","null"]`) {
		t.Errorf("run_python's parameters lost the toolkit's schema: %s", raw)
	}
}

func TestTextOnlyTools(t *testing.T) {
	tk := agenttest.Toolkit(t)
	tools, err := adapter.Tools(tk, tk.Session("conversation-1"), &adapter.Options{TextOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tl := range tools {
		if _, ok := tl.(tool.InvokableTool); !ok {
			t.Fatalf("%T is not an InvokableTool", tl)
		}
	}
	_, m := runAgent(t, tools)
	seen := *m.seen
	if !strings.Contains(seen[1].Content, "42") {
		t.Errorf("the second run did not see x: %q", seen[1].Content)
	}
	if s := seen[2].Content; !strings.HasPrefix(s, "status: failed") {
		t.Errorf("1/0 was not a failure the model sees: %q", s)
	}
	if s := seen[3].Content; !strings.Contains(s, "image/png") || !strings.Contains(s, "not shown to you") || strings.Contains(s, agenttest.DotPNG) {
		t.Errorf("the image is not described to the model: %q", s)
	}
}

func TestToolsForKeepsConversationsApart(t *testing.T) {
	tk := agenttest.Toolkit(t)
	type key struct{}
	tools, err := adapter.ToolsFor(tk, func(ctx context.Context) (*agenttool.Session, error) {
		id, ok := ctx.Value(key{}).(string)
		if !ok {
			return nil, fmt.Errorf("no conversation in the context")
		}
		return tk.Session(id), nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var run tool.EnhancedInvokableTool
	for _, tl := range tools {
		if info, _ := tl.Info(context.Background()); info.Name == agenttool.ToolRunPython {
			run = tl.(tool.EnhancedInvokableTool)
		}
	}
	alice := context.WithValue(context.Background(), key{}, "alice")
	bob := context.WithValue(context.Background(), key{}, "bob")
	if _, err := run.InvokableRun(alice, &schema.ToolArgument{Text: `{"code": "secret = 1"}`}); err != nil {
		t.Fatal(err)
	}
	res, err := run.InvokableRun(bob, &schema.ToolArgument{Text: `{"code": "print(secret)"}`})
	if err != nil || !strings.Contains(res.Parts[0].Text, "NameError") {
		t.Errorf("bob's conversation saw alice's state: %v %+v", err, res)
	}
	if _, err := run.InvokableRun(context.Background(), &schema.ToolArgument{Text: `{"code": "1"}`}); err == nil {
		t.Errorf("a call with no session was not a Go error")
	}
	res, err = run.InvokableRun(alice, &schema.ToolArgument{Text: `not json`})
	if err != nil || !strings.HasPrefix(res.Parts[0].Text, "status: error") {
		t.Errorf("bad arguments: want a failure result, got %v %+v", err, res)
	}
}

// A failure only the host can fix (here, a context that ended) is a Go
// error, which stops the agent, not a result for the model.
func TestHostFailureIsAGoError(t *testing.T) {
	tk := agenttest.Toolkit(t)
	for _, opts := range []*adapter.Options{nil, {TextOnly: true}} {
		tools, err := adapter.Tools(tk, tk.Session("c"), opts)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		args := `{"code": "print(1)"}`
		for _, tl := range tools {
			if info, _ := tl.Info(ctx); info.Name != agenttool.ToolRunPython {
				continue
			}
			switch tl := tl.(type) {
			case tool.EnhancedInvokableTool:
				_, err = tl.InvokableRun(ctx, &schema.ToolArgument{Text: args})
			case tool.InvokableTool:
				_, err = tl.InvokableRun(ctx, args)
			}
			if err == nil {
				t.Errorf("%T: a cancelled context gave no error", tl)
			}
		}
	}
}

// twoCallModel answers first with two run_python calls in one message, then
// with a final answer, keeping the tool messages it was sent.
type twoCallModel struct {
	mu   sync.Mutex
	seen []*schema.Message
}

func (m *twoCallModel) WithTools([]*schema.ToolInfo) (model.ToolCallingChatModel, error) {
	return m, nil
}

func (m *twoCallModel) Generate(_ context.Context, input []*schema.Message, _ ...model.Option) (*schema.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if last := input[len(input)-1]; last.Role == schema.Tool {
		for _, msg := range input {
			if msg.Role == schema.Tool {
				m.seen = append(m.seen, msg)
			}
		}
		return schema.AssistantMessage(agenttest.FinalAnswer, nil), nil
	}
	var calls []schema.ToolCall
	for i, code := range []string{"x = 21", "print(x * 2)"} {
		args, _ := json.Marshal(map[string]any{"code": code, "timeout_seconds": nil})
		calls = append(calls, schema.ToolCall{ID: "call_" + string(rune('1'+i)), Type: "function",
			Function: schema.FunctionCall{Name: agenttool.ToolRunPython, Arguments: string(args)}})
	}
	return schema.AssistantMessage("", calls), nil
}

func (m *twoCallModel) Stream(ctx context.Context, input []*schema.Message, opts ...model.Option) (*schema.StreamReader[*schema.Message], error) {
	return streamOne(m.Generate(ctx, input, opts...))
}

// With the example's ToolsNodeConfig (ExecuteSequentially), two calls in one
// answer run in the model's order: the second sees the variable the first
// set. eino's default runs them concurrently, in no fixed order.
func TestCallsOfOneAnswerRunInOrder(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.Toolkit(t)
	tools, err := adapter.Tools(tk, tk.Session("conversation-1"), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := &twoCallModel{}
	generate(ctx, t, m, tools)
	if len(m.seen) != 2 {
		t.Fatalf("the model saw %d tool results, want 2", len(m.seen))
	}
	if s := text(m.seen[1]); m.seen[1].ToolCallID != "call_2" || !strings.Contains(s, "42") {
		t.Errorf("print(x * 2) did not run after x = 21: %s %q", m.seen[1].ToolCallID, s)
	}
}
