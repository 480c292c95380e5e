package langchaingo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/chains"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/langchaingo"
	"github.com/seed-f3fa2c9d/azsessions/internal/agenttest"
)

// A pool failure cannot reach the model through langchaingo's executor:
// the tool's Go error ends the run and goes to the host (with the detail),
// and the model is not asked again. Unlike Anthropic's tool runner,
// langchaingo needs no fixed sentence and no OnHostError for it.
func TestHostFailureEndsTheRunAndNeverReachesTheModel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.FailingToolkit(t, "FAIL-HERE")
	model := &scriptedModel{arguments: []string{`{"code": "print('FAIL-HERE')"}`}}
	agent := agents.NewOpenAIFunctionsAgent(model, adapter.Tools(tk, tk.Session("c"), nil))
	_, err := chains.Run(ctx, agents.NewExecutor(agent, agents.WithMaxIterations(5)), "run it")
	if err == nil || !strings.Contains(err.Error(), agenttest.FailDetail) {
		t.Errorf("the host did not get the failure's detail: %v", err)
	}
	for _, seen := range model.seen {
		if strings.Contains(seen, agenttest.FailDetail) {
			t.Errorf("the model was sent the detail: %q", seen)
		}
	}
	if model.turn != 1 {
		t.Errorf("the model was asked %d times, want once", model.turn)
	}
}
