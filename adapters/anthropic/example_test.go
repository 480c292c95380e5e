package anthropic_test

import (
	"context"
	"fmt"

	"github.com/anthropics/anthropic-sdk-go/v2"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/anthropic"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

var tk *agenttool.Toolkit // agenttool.New(sessionsClient, nil)

// reportHostError logs a failure only the host can fix; the model was told
// the service failed, without the detail.
func reportHostError(ctx context.Context, tool string, err error) {}

func Example() {
	client := anthropic.NewClient() // reads ANTHROPIC_API_KEY
	// The host picks the sandbox: one session per conversation.
	tools := adapter.Tools(tk, tk.Session("conversation-1234"), &adapter.Options{
		OnHostError: reportHostError, // your func(ctx, tool, err); err may quote the service's answer
	})
	runner := client.Beta.Messages.NewToolRunner(tools, anthropic.BetaToolRunnerParams{
		BetaMessageNewParams: anthropic.BetaMessageNewParams{
			Model:     anthropic.ModelClaudeSonnet5_5,
			MaxTokens: 4096,
			Messages: []anthropic.BetaMessageParam{anthropic.NewBetaUserMessage(
				anthropic.NewBetaTextBlock("Plot sin(x) and tell me where it peaks."))},
			// The runner runs the calls of one answer in no fixed order: one a turn keeps it.
			ToolChoice: anthropic.BetaToolChoiceUnionParam{OfAuto: &anthropic.BetaToolChoiceAutoParam{DisableParallelToolUse: anthropic.Bool(true)}},
		},
	})
	final, err := runner.RunToCompletion(context.TODO())
	if err != nil {
		// TODO: handle error
	}
	fmt.Println(final.Content[0].Text)
}
