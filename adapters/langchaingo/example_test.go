package langchaingo_test

import (
	"context"
	"fmt"

	"github.com/tmc/langchaingo/agents"
	"github.com/tmc/langchaingo/chains"
	"github.com/tmc/langchaingo/llms/openai"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/langchaingo"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

var tk *agenttool.Toolkit // agenttool.New(sessionsClient, nil)

func Example() {
	llm, err := openai.New() // reads OPENAI_API_KEY
	if err != nil {
		// TODO: handle error
	}
	// The host picks the sandbox: one session per conversation.
	tools := adapter.Tools(tk, tk.Session("conversation-1234"), nil)
	executor := agents.NewExecutor(agents.NewOpenAIFunctionsAgent(llm, tools))
	answer, err := chains.Run(context.TODO(), executor, "Plot sin(x); where does it peak?")
	if err != nil {
		// TODO: handle error
	}
	fmt.Println(answer)
}
