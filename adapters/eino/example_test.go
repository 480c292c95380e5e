package eino_test

import (
	"context"
	"fmt"

	"github.com/cloudwego/eino/components/model"
	"github.com/cloudwego/eino/compose"
	"github.com/cloudwego/eino/flow/agent/react"
	"github.com/cloudwego/eino/schema"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/eino"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

var (
	tk        *agenttool.Toolkit         // agenttool.New(sessionsClient, nil)
	chatModel model.ToolCallingChatModel // for example eino-ext's openai.NewChatModel
)

func Example() {
	ctx := context.TODO()
	// The host picks the sandbox: one session per conversation.
	tools, err := adapter.Tools(tk, tk.Session("conversation-1234"), &adapter.Options{ExecuteSequentially: true})
	if err != nil {
		// TODO: handle error
	}
	agent, err := react.NewAgent(ctx, &react.AgentConfig{
		ToolCallingModel: chatModel,
		// In the model's order (and Options says so): a ToolsNode runs one answer's calls concurrently by default.
		ToolsConfig: compose.ToolsNodeConfig{Tools: tools, ExecuteSequentially: true},
	})
	if err != nil {
		// TODO: handle error
	}
	answer, err := agent.Generate(ctx, []*schema.Message{schema.UserMessage("Plot sin(x); where does it peak?")})
	if err != nil {
		// TODO: handle error
	}
	fmt.Println(answer.Content)
}
