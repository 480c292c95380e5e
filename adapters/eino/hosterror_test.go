package eino_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/flow/agent/react"
	"github.com/cloudwego/eino/schema"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/eino"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
)

// failModel asks for one run_python call whose request the pool fails, and
// records every message it is sent after that.
type failModel struct {
	mu    sync.Mutex
	calls int
	later []*schema.Message
}

func (m *failModel) WithTools([]*schema.ToolInfo) (model.ToolCallingChatModel, error) { return m, nil }

func (m *failModel) Generate(_ context.Context, input []*schema.Message, _ ...model.Option) (*schema.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls++
	if m.calls > 1 {
		m.later = append(m.later, input...)
		return schema.AssistantMessage("done", nil), nil
	}
	args, _ := json.Marshal(map[string]any{"code": "print('FAIL-HERE')", "timeout_seconds": nil})
	return schema.AssistantMessage("", []schema.ToolCall{{
		ID: "call_1", Type: "function",
		Function: schema.FunctionCall{Name: agenttool.ToolRunPython, Arguments: string(args)},
	}}), nil
}

func (m *failModel) Stream(ctx context.Context, input []*schema.Message, opts ...model.Option) (*schema.StreamReader[*schema.Message], error) {
	return streamOne(m.Generate(ctx, input, opts...))
}

// A pool failure cannot reach the model through eino's loop: the tool's Go
// error stops the ToolsNode, so the agent returns it to the host (with the
// detail) and the model is not asked again. Unlike Anthropic's tool runner,
// eino needs no fixed sentence and no OnHostError for it.
func TestHostFailureStopsTheAgentAndNeverReachesTheModel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.FailingToolkit(t, "FAIL-HERE")
	for _, opts := range []*adapter.Options{nil, {TextOnly: true}} {
		tools, err := adapter.Tools(tk, tk.Session("c"), opts)
		if err != nil {
			t.Fatal(err)
		}
		m := &failModel{}
		agent, err := react.NewAgent(ctx, &react.AgentConfig{ToolCallingModel: m, ToolsConfig: compose.ToolsNodeConfig{Tools: tools}, MaxStep: 10})
		if err != nil {
			t.Fatal(err)
		}
		_, err = agent.Generate(ctx, []*schema.Message{schema.UserMessage("run it")})
		if err == nil || !strings.Contains(err.Error(), agenttest.FailDetail) {
			t.Errorf("the host did not get the failure's detail: %v", err)
		}
		for _, msg := range m.later {
			if strings.Contains(text(msg), agenttest.FailDetail) {
				t.Errorf("the model was sent the detail: %q", text(msg))
			}
		}
		if m.calls != 1 {
			t.Errorf("the model was asked %d times, want once", m.calls)
		}
	}
}
