package genkit_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/firebase/genkit/go/ai"
	"github.com/firebase/genkit/go/genkit"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/genkit"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
)

// A pool failure cannot reach the model through Genkit's tool loop: the
// tool's Go error ends Generate and goes to the host (with the detail), and
// the model is not asked again. Unlike Anthropic's tool runner, Genkit
// needs no fixed sentence and no OnHostError for it.
func TestHostFailureEndsGenerateAndNeverReachesTheModel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.FailingToolkit(t, "FAIL-HERE")
	g := genkit.Init(ctx)
	var mu sync.Mutex
	calls, later := 0, ""
	model := genkit.DefineModel(g, "test/fails", &ai.ModelOptions{
		Supports: &ai.ModelSupports{Tools: true, Multiturn: true},
	}, func(_ context.Context, req *ai.ModelRequest, _ ai.ModelStreamCallback) (*ai.ModelResponse, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if calls > 1 {
			raw, _ := json.Marshal(req.Messages)
			later += string(raw)
			return &ai.ModelResponse{Message: ai.NewModelTextMessage("done"), FinishReason: ai.FinishReasonStop}, nil
		}
		return &ai.ModelResponse{Message: ai.NewModelMessage(ai.NewToolRequestPart(&ai.ToolRequest{
			Name: agenttool.ToolRunPython, Ref: "call_1", Input: map[string]any{"code": "print('FAIL-HERE')"},
		})), FinishReason: ai.FinishReasonStop}, nil
	})
	_, err := genkit.Generate(ctx, g, ai.WithModel(model), ai.WithPrompt("run it"),
		ai.WithTools(adapter.NewTools(tk, tk.Session("c"))...), ai.WithMaxTurns(5))
	if err == nil || !strings.Contains(err.Error(), agenttest.FailDetail) {
		t.Errorf("the host did not get the failure's detail: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Contains(later, agenttest.FailDetail) {
		t.Errorf("the model was sent the detail: %s", later)
	}
	if calls != 1 {
		t.Errorf("the model was asked %d times, want once", calls)
	}
}
