// Package eino gives the agenttool code-interpreter toolkit to CloudWeGo eino
// agents: one tool per toolkit tool, with a [schema.ToolInfo] built from the
// toolkit's JSON Schema, for a ToolsNode, a ReAct agent or an ADK agent.
//
// The host decides which sandbox a conversation uses: [Tools] binds every tool
// to one [agenttool.Session], and [ToolsFor] looks the session up from the
// context of each call. The model never names a session.
//
// By default the tools are [tool.EnhancedInvokableTool]s: a result is a
// [schema.ToolResult] with a text part and one image part per image, which
// the ToolsNode puts in the tool message's UserInputMultiContent (its
// Content stays empty). For chat models that read only Content, set
// [Options.TextOnly]: the tools are then [tool.InvokableTool]s returning the
// text, with images named in it.
//
// A failed run is a result whose text says so (status: failed), never a Go
// error: a tool's Go error stops the ToolsNode and with it the agent, so it
// is kept for failures only the host can fix. Such an error reaches the host,
// never the model, unless the host wraps the tools with eino's
// utils.WrapToolWithErrorHandler to keep the agent running: its handler's
// answer then goes to the model, so answer a failure of the sandbox service
// with a sentence of your own, not err.Error(), which holds the request URL
// (with the session identifier) and the service's answer.
//
// A ToolsNode runs the tool calls of one answer concurrently by default, so a
// session gets them in no fixed order: a model that sets a variable in one
// call and prints it in the next, in the same answer, would see the print
// fail about half the time. Set compose.ToolsNodeConfig's
// ExecuteSequentially, as the example does, to run them in the model's
// order, and say so with [Options.ExecuteSequentially]; otherwise the run
// tool's description tells the model that calls of one answer may run in
// any order ([agenttool.UnorderedCallsNote]).
package eino

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cloudwego/eino/components/tool"
	"github.com/cloudwego/eino/schema"
	"github.com/eino-contrib/jsonschema"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// SessionFunc returns the session of the conversation that a tool call
// belongs to, typically from a value the host put in ctx.
type SessionFunc func(ctx context.Context) (*agenttool.Session, error)

// Options changes the tools. The zero value (or nil) is the default.
type Options struct {
	// TextOnly returns plain InvokableTools whose result is the text alone
	// (images are named in it but not sent), for chat models that do not
	// read multimodal tool messages.
	TextOnly bool
	// ExecuteSequentially says the ToolsNode runs the tool calls of one
	// answer one at a time, in the model's order (the same field of
	// compose.ToolsNodeConfig is set). Without it the run tool's
	// description tells the model that such calls may run in any order
	// ([agenttool.UnorderedCallsNote]), so a model puts a call that needs
	// another's work in a later answer, a round trip more.
	ExecuteSequentially bool
}

// Tools returns the toolkit's tools, every call running in session. It
// fails only if a toolkit schema does not convert to eino's schema type.
func Tools(tk *agenttool.Toolkit, session *agenttool.Session, opts *Options) ([]tool.BaseTool, error) {
	return ToolsFor(tk, func(context.Context) (*agenttool.Session, error) { return session, nil }, opts)
}

// ToolsFor returns the toolkit's tools, each call running in the session
// sessionFor returns for the call's context. Use it when one set of tools
// serves many conversations.
func ToolsFor(tk *agenttool.Toolkit, sessionFor SessionFunc, opts *Options) ([]tool.BaseTool, error) {
	if opts == nil {
		opts = &Options{}
	}
	defs := tk.Definitions()
	if !opts.ExecuteSequentially {
		// A ToolsNode runs the calls of one answer concurrently unless told
		// otherwise, so they reach the session in no fixed order: the model is told.
		defs = agenttool.ForConcurrentCalls(defs)
	}
	out := make([]tool.BaseTool, 0, len(defs))
	for _, d := range defs {
		info, err := toolInfo(d)
		if err != nil {
			return nil, err
		}
		base := base{name: d.Name, info: info, sessionFor: sessionFor}
		if opts.TextOnly {
			out = append(out, &textTool{base})
		} else {
			out = append(out, &enhancedTool{base})
		}
	}
	return out, nil
}

func toolInfo(d agenttool.Definition) (*schema.ToolInfo, error) {
	raw, err := json.Marshal(d.InputSchema)
	if err != nil {
		return nil, fmt.Errorf("%s: input schema: %w", d.Name, err)
	}
	var s jsonschema.Schema
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%s: input schema: %w", d.Name, err)
	}
	return &schema.ToolInfo{Name: d.Name, Desc: d.Description, ParamsOneOf: schema.NewParamsOneOfByJSONSchema(&s)}, nil
}

type base struct {
	name       string
	info       *schema.ToolInfo
	sessionFor SessionFunc
}

// Info returns the tool's name, description and parameters.
func (b *base) Info(context.Context) (*schema.ToolInfo, error) { return b.info, nil }

func (b *base) call(ctx context.Context, arguments string) (agenttool.Result, error) {
	session, err := b.sessionFor(ctx)
	if err != nil {
		return agenttool.Result{}, fmt.Errorf("%s: no session for this conversation: %w", b.name, err)
	}
	if session == nil {
		return agenttool.Result{}, errors.New(b.name + ": no session for this conversation")
	}
	res, err := session.Call(ctx, b.name, json.RawMessage(arguments))
	if err != nil {
		return agenttool.Result{}, fmt.Errorf("%s: %w", b.name, err)
	}
	return res, nil
}

type enhancedTool struct{ base }

var _ tool.EnhancedInvokableTool = (*enhancedTool)(nil)

// InvokableRun runs the tool and returns its text and images. The error is
// non-nil only for failures the model cannot fix.
func (t *enhancedTool) InvokableRun(ctx context.Context, argument *schema.ToolArgument, _ ...tool.Option) (*schema.ToolResult, error) {
	var arguments string
	if argument != nil {
		arguments = argument.Text
	}
	res, err := t.call(ctx, arguments)
	if err != nil {
		return nil, err
	}
	return Result(res), nil
}

type textTool struct{ base }

var _ tool.InvokableTool = (*textTool)(nil)

// InvokableRun runs the tool and returns its text. The error is non-nil
// only for failures the model cannot fix.
func (t *textTool) InvokableRun(ctx context.Context, arguments string, _ ...tool.Option) (string, error) {
	res, err := t.call(ctx, arguments)
	if err != nil {
		return "", err
	}
	text := res.Text
	if len(res.Images) > 0 {
		text += "note: this tool returns text only; the images listed above were not shown to you.\n"
	}
	return text, nil
}

// Result converts a toolkit result into an eino tool result: a text part,
// then one image part (base64 data with its media type) per image.
func Result(res agenttool.Result) *schema.ToolResult {
	parts := []schema.ToolOutputPart{{Type: schema.ToolPartTypeText, Text: res.Text}}
	for _, img := range res.Images {
		data := base64.StdEncoding.EncodeToString(img.Data)
		parts = append(parts, schema.ToolOutputPart{
			Type:  schema.ToolPartTypeImage,
			Image: &schema.ToolOutputImage{MessagePartCommon: schema.MessagePartCommon{Base64Data: &data, MIMEType: img.MIMEType}},
		})
	}
	return &schema.ToolResult{Parts: parts}
}
