// Package openai gives the agenttool code-interpreter toolkit to the OpenAI Go
// SDK: function definitions for Chat Completions and the Responses API
// (strict schemas), and helpers that run the tool calls of one model answer
// and return the messages that carry the results back.
//
// The SDK has no tool loop of its own: the host sends a request, hands the
// answer to [RunChatToolCalls] or [RunResponseToolCalls], appends what they
// return and sends the next request. The host also decides which sandbox a
// conversation uses by passing its [agenttool.Session]; the model never names
// one.
//
// Responses carry images as input_image items of the function_call_output.
// Chat Completions tool messages hold text only, so images are described in
// the text, and [ChatOptions.ImagesAsUserMessage] can add them in a user
// message after the tool messages.
package openai

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/responses"
	"github.com/openai/openai-go/v3/shared"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// ChatTools returns the toolkit's tools as Chat Completions function tools
// with strict schemas.
func ChatTools(tk *agenttool.Toolkit) []openai.ChatCompletionToolUnionParam {
	defs := tk.Definitions()
	out := make([]openai.ChatCompletionToolUnionParam, 0, len(defs))
	for _, d := range defs {
		out = append(out, openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
			Name:        d.Name,
			Description: openai.String(d.Description),
			Parameters:  shared.FunctionParameters(d.InputSchema),
			Strict:      openai.Bool(true),
		}))
	}
	return out
}

// ResponseTools returns the toolkit's tools as Responses API function tools
// with strict schemas.
func ResponseTools(tk *agenttool.Toolkit) []responses.ToolUnionParam {
	defs := tk.Definitions()
	out := make([]responses.ToolUnionParam, 0, len(defs))
	for _, d := range defs {
		out = append(out, responses.ToolUnionParam{OfFunction: &responses.FunctionToolParam{
			Name:        d.Name,
			Description: openai.String(d.Description),
			Parameters:  d.InputSchema,
			Strict:      openai.Bool(true),
		}})
	}
	return out
}

// ChatOptions changes what [RunChatToolCalls] returns. The zero value is the
// default.
type ChatOptions struct {
	// ImagesAsUserMessage adds, after the tool messages, one user message
	// holding the images the calls produced (tool messages cannot carry
	// images). Leave it off for models without vision.
	ImagesAsUserMessage bool
}

// RunChatToolCalls runs, in session and in order, the calls of msg to the
// toolkit's tools and returns one tool message per call. Calls to other
// functions are left for the host to answer. A failed run is a tool message
// that says so; the error is non-nil only for failures the model cannot fix
// (authentication, network, ctx ended). The messages are then those of the
// calls before the failed one, whose code has run: send them with an answer
// of your own for the rest, or drop the conversation's turn.
func RunChatToolCalls(ctx context.Context, tk *agenttool.Toolkit, session *agenttool.Session, msg openai.ChatCompletionMessage, opts *ChatOptions) ([]openai.ChatCompletionMessageParamUnion, error) {
	if opts == nil {
		opts = &ChatOptions{}
	}
	names := toolNames(tk)
	var out []openai.ChatCompletionMessageParamUnion
	var images []openai.ChatCompletionContentPartUnionParam
	for _, call := range msg.ToolCalls {
		if call.Type != "function" || !names[call.Function.Name] {
			continue
		}
		res, err := session.Call(ctx, call.Function.Name, json.RawMessage(call.Function.Arguments))
		if err != nil {
			return withImages(out, images), fmt.Errorf("running %s: %w", call.Function.Name, err)
		}
		text := res.Text
		if len(res.Images) > 0 {
			if opts.ImagesAsUserMessage {
				text += "note: a tool message carries text only, so the images are in the user message that follows.\n"
				for _, img := range res.Images {
					images = append(images, openai.ImageContentPart(openai.ChatCompletionContentPartImageImageURLParam{URL: dataURL(img)}))
				}
			} else {
				text += "note: a tool message carries text only, so the images listed above were not shown to you.\n"
			}
		}
		out = append(out, openai.ToolMessage(orNoOutput(text), call.ID))
	}
	return withImages(out, images), nil
}

// withImages adds the user message holding images, if there are any, after
// the tool messages.
func withImages(out []openai.ChatCompletionMessageParamUnion, images []openai.ChatCompletionContentPartUnionParam) []openai.ChatCompletionMessageParamUnion {
	if len(images) == 0 {
		return out
	}
	parts := append([]openai.ChatCompletionContentPartUnionParam{openai.TextContentPart("The images your code produced:")}, images...)
	return append(out, openai.UserMessage(parts))
}

// RunResponseToolCalls runs, in session and in order, the function_call
// items of output (a response's Output) that call the toolkit's tools, and
// returns one function_call_output item per call: the text as input_text,
// each image as an input_image. Calls to other functions are left for the
// host to answer. A failed run is an output that says so; the error is
// non-nil only for failures the model cannot fix (authentication, network,
// ctx ended). The items are then those of the calls before the failed one,
// whose code has run.
func RunResponseToolCalls(ctx context.Context, tk *agenttool.Toolkit, session *agenttool.Session, output []responses.ResponseOutputItemUnion) ([]responses.ResponseInputItemUnionParam, error) {
	names := toolNames(tk)
	var out []responses.ResponseInputItemUnionParam
	for _, item := range output {
		if item.Type != "function_call" {
			continue
		}
		call := item.AsFunctionCall()
		if !names[call.Name] {
			continue
		}
		res, err := session.Call(ctx, call.Name, json.RawMessage(call.Arguments))
		if err != nil {
			return out, fmt.Errorf("running %s: %w", call.Name, err)
		}
		items := responses.ResponseFunctionCallOutputItemListParam{{
			OfInputText: &responses.ResponseInputTextContentParam{Text: orNoOutput(res.Text)},
		}}
		for _, img := range res.Images {
			items = append(items, responses.ResponseFunctionCallOutputItemUnionParam{
				OfInputImage: &responses.ResponseInputImageContentParam{ImageURL: openai.String(dataURL(img))},
			})
		}
		out = append(out, responses.ResponseInputItemUnionParam{OfFunctionCallOutput: &responses.ResponseInputItemFunctionCallOutputParam{
			CallID: openai.String(call.CallID),
			Output: responses.ResponseInputItemFunctionCallOutputOutputUnionParam{OfResponseFunctionCallOutputItemArray: items},
		}})
	}
	return out, nil
}

func toolNames(tk *agenttool.Toolkit) map[string]bool {
	names := map[string]bool{}
	for _, d := range tk.Definitions() {
		names[d.Name] = true
	}
	return names
}

func dataURL(img agenttool.Image) string {
	return "data:" + img.MIMEType + ";base64," + base64.StdEncoding.EncodeToString(img.Data)
}

func orNoOutput(text string) string {
	if text == "" {
		return "(no output)"
	}
	return text
}
