// Package genkit gives the agenttool code-interpreter toolkit to Firebase
// Genkit for Go: multipart tools with the toolkit's JSON Schemas, whose
// responses carry the run's text as output and its images as media parts.
//
// The host decides which sandbox a conversation uses: [DefineTools] registers
// the tools once on a [genkit.Genkit] and looks the session up from the
// context of each call, and [NewTools] makes unregistered tools bound to one
// [agenttool.Session], to pass to a single Generate call with
// [ai.WithTools]. The model never names a session.
//
// A tool's output is an object {"text": ..., "isError": ...}: a failed run
// (status: failed in the text, isError true) is an answer the model reads,
// never a Go error, since a tool's Go error ends Generate. Genkit checks the
// model's arguments against the schema before a tool runs, so arguments that
// do not match it end Generate with Genkit's INVALID_ARGUMENT error rather
// than reaching the toolkit. The schemas are the toolkit's except that
// optional arguments are not listed as required, since Genkit drops null
// arguments before that check.
//
// Genkit runs the tool requests of one answer concurrently, so a session
// gets them in no fixed order: a model that sets a variable in one call and
// prints it in the next, in the same answer, would see the print fail about
// half the time. The run tool's description tells the model so
// ([agenttool.UnorderedCallsNote]).
package genkit

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/firebase/genkit/go/ai"
	"github.com/firebase/genkit/go/genkit"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// SessionFunc returns the session of the conversation that a tool call
// belongs to, typically from a value the host put in ctx.
type SessionFunc func(ctx context.Context) (*agenttool.Session, error)

// Output is what a tool returns to the model besides its images.
type Output struct {
	// Text is the toolkit's result text (see agenttool's Text layout).
	Text string `json:"text"`
	// IsError is true when the model's code or arguments failed.
	IsError bool `json:"isError"`
}

// DefineTools registers the toolkit's tools on g and returns references to
// pass to ai.WithTools. Each call runs in the session sessionFor returns for
// the call's context. Tool names are the toolkit's (run_python, ...), so a
// Genkit instance can hold one toolkit's tools.
func DefineTools(g *genkit.Genkit, tk *agenttool.Toolkit, sessionFor SessionFunc) []ai.ToolRef {
	defs := agenttool.ForConcurrentCalls(tk.Definitions()) // Genkit runs one answer's calls concurrently
	out := make([]ai.ToolRef, 0, len(defs))
	for _, d := range defs {
		out = append(out, genkit.DefineMultipartTool(g, d.Name, d.Description, run(d.Name, sessionFor), ai.WithInputSchema(inputSchema(d.InputSchema))))
	}
	return out
}

// NewTools returns the toolkit's tools bound to session, unregistered, to
// pass to one Generate call with ai.WithTools.
func NewTools(tk *agenttool.Toolkit, session *agenttool.Session) []ai.ToolRef {
	sessionFor := func(context.Context) (*agenttool.Session, error) { return session, nil }
	defs := agenttool.ForConcurrentCalls(tk.Definitions()) // Genkit runs one answer's calls concurrently
	out := make([]ai.ToolRef, 0, len(defs))
	for _, d := range defs {
		out = append(out, ai.NewMultipartTool(d.Name, d.Description, run(d.Name, sessionFor), ai.WithInputSchema(inputSchema(d.InputSchema))))
	}
	return out
}

func run(name string, sessionFor SessionFunc) ai.MultipartToolFunc[any] {
	return func(ctx *ai.ToolContext, input any) (*ai.MultipartToolResponse, error) {
		session, err := sessionFor(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: no session for this conversation: %w", name, err)
		}
		if session == nil {
			return nil, errors.New(name + ": no session for this conversation")
		}
		if input == nil {
			input = map[string]any{}
		}
		args, err := json.Marshal(input)
		if err != nil {
			return nil, fmt.Errorf("%s: arguments: %w", name, err)
		}
		res, err := session.Call(ctx, name, args)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return Response(res), nil
	}
}

// Response converts a toolkit result into a multipart tool response: the
// text and failure flag as output, one media part (a data URL) per image.
func Response(res agenttool.Result) *ai.MultipartToolResponse {
	resp := &ai.MultipartToolResponse{Output: Output{Text: res.Text, IsError: res.IsError}}
	for _, img := range res.Images {
		resp.Content = append(resp.Content, ai.NewMediaPart(img.MIMEType,
			"data:"+img.MIMEType+";base64,"+base64.StdEncoding.EncodeToString(img.Data)))
	}
	return resp
}

// inputSchema is a toolkit schema as Genkit can check it. Genkit drops the
// null fields of a tool's input before it checks the input against the
// schema, so an optional argument that the strict schema lists as required
// (typed [T, "null"]) and a model sends as null would fail the check; here
// such arguments are not required. Everything else is the toolkit's schema.
func inputSchema(s map[string]any) map[string]any {
	props, _ := s["properties"].(map[string]any)
	out := make(map[string]any, len(s))
	for k, v := range s {
		out[k] = v
	}
	var required []any
	for _, name := range stringList(s["required"]) {
		if !nullable(props[name]) {
			required = append(required, name)
		}
	}
	if required == nil {
		delete(out, "required")
	} else {
		out["required"] = required
	}
	return out
}

func nullable(prop any) bool {
	p, _ := prop.(map[string]any)
	for _, t := range stringList(p["type"]) {
		if t == "null" {
			return true
		}
	}
	return false
}

func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
