package genkit_test

import (
	"context"
	"encoding/json"
	"fmt"
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

// scripted is a model that asks for the next run_python call of agenttest.Script
// and, when the script is done, answers. It keeps the tool responses it was
// sent and the tools it was offered.
type scripted struct {
	mu    sync.Mutex
	turn  int
	seen  []*ai.ToolResponse
	tools []*ai.ToolDefinition
}

func (s *scripted) define(g *genkit.Genkit) ai.Model {
	return genkit.DefineModel(g, "test/scripted", &ai.ModelOptions{
		Supports: &ai.ModelSupports{Tools: true, Multiturn: true, Media: true},
	}, func(_ context.Context, req *ai.ModelRequest, _ ai.ModelStreamCallback) (*ai.ModelResponse, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.tools = req.Tools
		if s.turn > 0 {
			last := req.Messages[len(req.Messages)-1]
			if last.Role != ai.RoleTool || len(last.Content) != 1 || !last.Content[0].IsToolResponse() {
				return nil, fmt.Errorf("turn %d: the last message is not one tool response: %+v", s.turn, last)
			}
			s.seen = append(s.seen, last.Content[0].ToolResponse)
		}
		s.turn++
		if s.turn > len(agenttest.Script) {
			return &ai.ModelResponse{Message: ai.NewModelTextMessage(agenttest.FinalAnswer), FinishReason: ai.FinishReasonStop}, nil
		}
		return &ai.ModelResponse{Message: ai.NewModelMessage(ai.NewToolRequestPart(&ai.ToolRequest{
			Name:  agenttool.ToolRunPython,
			Ref:   fmt.Sprintf("call_%d", s.turn),
			Input: map[string]any{"code": agenttest.Script[s.turn-1], "timeout_seconds": nil},
		})), FinishReason: ai.FinishReasonStop}, nil
	})
}

// output decodes a tool response's output, which Genkit carries as JSON.
func output(t *testing.T, resp *ai.ToolResponse) adapter.Output {
	t.Helper()
	raw, _ := json.Marshal(resp.Output)
	var out adapter.Output
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("tool output %s: %v", raw, err)
	}
	return out
}

func check(t *testing.T, s *scripted, answer *ai.ModelResponse) {
	t.Helper()
	if got := answer.Text(); got != agenttest.FinalAnswer {
		t.Errorf("answer %q", got)
	}
	if len(s.seen) != len(agenttest.Script) {
		t.Fatalf("the model saw %d tool responses, want %d", len(s.seen), len(agenttest.Script))
	}
	if out := output(t, s.seen[0]); out.IsError || !strings.HasPrefix(out.Text, "status: succeeded") {
		t.Errorf("x = 21: %+v", out)
	}
	if out := output(t, s.seen[1]); !strings.Contains(out.Text, "42") {
		t.Errorf("the second run did not see x: %+v", out)
	}
	if out := output(t, s.seen[2]); !out.IsError || !strings.Contains(out.Text, "ZeroDivisionError") {
		t.Errorf("1/0 was not a failure the model sees: %+v", out)
	}
	var media []*ai.Part
	for _, p := range s.seen[3].Content {
		if p.IsMedia() {
			media = append(media, p)
		}
	}
	if len(media) != 1 || media[0].ContentType != "image/png" || media[0].Text != "data:image/png;base64,"+agenttest.DotPNG {
		t.Errorf("the image did not reach the model as a media part: %+v", s.seen[3].Content)
	}
	var offered bool
	for _, d := range s.tools {
		if d.Name == agenttool.ToolRunPython {
			offered = d.InputSchema["additionalProperties"] == false
		}
		// Genkit runs the tool requests of one answer concurrently, so they
		// reach the session in no fixed order: the run tool says so.
		if want := d.Name == agenttool.ToolRunPython; strings.Contains(d.Description, agenttool.UnorderedCallsNote) != want {
			t.Errorf("%s: the note on unordered calls is there: %v, want %v", d.Name, !want, want)
		}
	}
	if !offered {
		t.Errorf("run_python was not offered with the toolkit's schema: %+v", s.tools)
	}
}

func TestDefinedToolsAgainstEmulator(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.Toolkit(t)
	g := genkit.Init(ctx)
	s := &scripted{}
	model := s.define(g)

	type key struct{}
	tools := adapter.DefineTools(g, tk, func(ctx context.Context) (*agenttool.Session, error) {
		id, ok := ctx.Value(key{}).(string)
		if !ok {
			return nil, fmt.Errorf("no conversation in the context")
		}
		return tk.Session(id), nil
	})
	answer, err := genkit.Generate(context.WithValue(ctx, key{}, "conversation-1"), g,
		ai.WithModel(model), ai.WithPrompt("What is x*2?"), ai.WithTools(tools...), ai.WithMaxTurns(10))
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	check(t, s, answer)

	// Another conversation on the same Genkit instance has its own sandbox.
	run := genkit.LookupTool(g, agenttool.ToolRunPython)
	resp, err := run.RunRawMultipart(context.WithValue(ctx, key{}, "conversation-2"), map[string]any{"code": "print(x)"})
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := json.Marshal(resp.Output); !strings.Contains(string(out), "NameError") {
		t.Errorf("conversation-2 saw conversation-1's state: %s", out)
	}
	if _, err := run.RunRawMultipart(ctx, map[string]any{"code": "1"}); err == nil {
		t.Errorf("a call with no session was not a Go error")
	}
}

func TestNewToolsAgainstEmulator(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.Toolkit(t)
	g := genkit.Init(ctx)
	s := &scripted{}
	model := s.define(g)
	answer, err := genkit.Generate(ctx, g, ai.WithModel(model), ai.WithPrompt("What is x*2?"),
		ai.WithTools(adapter.NewTools(tk, tk.Session("conversation-1"))...), ai.WithMaxTurns(10))
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	check(t, s, answer)
}

// Genkit checks arguments against the schema before a tool runs: arguments
// that do not match end Generate with an error that names the problem.
func TestArgumentsOutsideTheSchemaEndGenerate(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	tk := agenttest.Toolkit(t)
	g := genkit.Init(ctx)
	model := genkit.DefineModel(g, "test/wrong", &ai.ModelOptions{Supports: &ai.ModelSupports{Tools: true, Multiturn: true}},
		func(context.Context, *ai.ModelRequest, ai.ModelStreamCallback) (*ai.ModelResponse, error) {
			return &ai.ModelResponse{Message: ai.NewModelMessage(ai.NewToolRequestPart(&ai.ToolRequest{
				Name: agenttool.ToolRunPython, Ref: "call_1", Input: map[string]any{"code": 5},
			})), FinishReason: ai.FinishReasonStop}, nil
		})
	_, err := genkit.Generate(ctx, g, ai.WithModel(model), ai.WithPrompt("go"),
		ai.WithTools(adapter.NewTools(tk, tk.Session("c"))...))
	if err == nil || !strings.Contains(err.Error(), "code") {
		t.Errorf("want an error naming the argument, got %v", err)
	}
}

// A failure only the host can fix (here, a context that ended) is a Go
// error, which ends Generate, not an answer for the model.
func TestHostFailureIsAGoError(t *testing.T) {
	tk := agenttest.Toolkit(t)
	g := genkit.Init(context.Background())
	adapter.DefineTools(g, tk, func(context.Context) (*agenttool.Session, error) { return tk.Session("c"), nil })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if resp, err := genkit.LookupTool(g, agenttool.ToolRunPython).RunRawMultipart(ctx, map[string]any{"code": "print(1)"}); err == nil {
		t.Errorf("a cancelled context gave no error but %+v", resp)
	}
}
