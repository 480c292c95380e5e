package openai_test

import (
	"context"
	"fmt"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"

	adapter "github.com/seed-f3fa2c9d/azsessions/adapters/openai"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

var tk *agenttool.Toolkit // agenttool.New(sessionsClient, nil)

func Example() {
	ctx, client := context.TODO(), openai.NewClient() // reads OPENAI_API_KEY
	session := tk.Session("conversation-1234")        // the host picks the sandbox
	params := responses.ResponseNewParams{Model: "gpt-5.2", Tools: adapter.ResponseTools(tk),
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("Plot sin(x); where does it peak?")}}
	for {
		resp, err := client.Responses.New(ctx, params)
		if err != nil {
			return // TODO: handle error
		}
		outputs, err := adapter.RunResponseToolCalls(ctx, tk, session, resp.Output)
		if err != nil || len(outputs) == 0 {
			fmt.Println(resp.OutputText(), err)
			return
		}
		params.PreviousResponseID = openai.String(resp.ID)
		params.Input = responses.ResponseNewParamsInputUnion{OfInputItemList: outputs}
	}
}
