package genkit_test

import (
	"context"
	"fmt"

	"github.com/firebase/genkit/go/ai"
	"github.com/firebase/genkit/go/genkit"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/genkit"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

var tk *agenttool.Toolkit // agenttool.New(sessionsClient, nil)

func Example() {
	ctx := context.TODO()
	g := genkit.Init(ctx) // with your model plugin, for example googlegenai
	// The host picks the sandbox: one session per conversation.
	tools := adapter.NewTools(tk, tk.Session("conversation-1234"))
	resp, err := genkit.Generate(ctx, g, ai.WithModelName("googleai/gemini-3-flash"),
		ai.WithPrompt("Plot sin(x); where does it peak?"), ai.WithTools(tools...))
	if err != nil {
		// TODO: handle error
	}
	fmt.Println(resp.Text())
}
