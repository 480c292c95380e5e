// Package langchaingo gives the agenttool code-interpreter toolkit to
// langchaingo agents: one [tools.Tool] per toolkit tool.
//
// The host decides which sandbox a conversation uses: [Tools] binds every tool
// to one [agenttool.Session], and [ToolsFor] looks the session up from the
// context of each call. The model never names a session.
//
// A langchaingo tool takes one string. The tools accept the JSON object of the
// toolkit's schema, the {"__arg1": "..."} wrapping of langchaingo's
// OpenAI-functions agent (which unwraps it before calling a tool, so the tool
// usually gets the inner string), and, for tools with one main argument
// (run_python's code, run_shell's command, a path), the plain text of that
// argument. Each tool's description says so to the model.
//
// A failed run is returned as text that says so (status: failed), never as a
// Go error: a Go error from a tool aborts the whole agent run in
// langchaingo's executor, so it is kept for failures only the host can fix.
// Tools return text only; images are named in the text and handed to
// [Options.OnImages] when it is set.
package langchaingo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/tmc/langchaingo/tools"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// SessionFunc returns the session of the conversation that a tool call
// belongs to, typically from a value the host put in ctx.
type SessionFunc func(ctx context.Context) (*agenttool.Session, error)

// Options changes the tools. The zero value (or nil) is the default.
type Options struct {
	// OnImages receives the images a call produced, which a langchaingo
	// tool cannot return to the model (it only reads that they exist), for
	// the host to show or keep. It runs before the tool returns.
	OnImages func(ctx context.Context, tool string, images []agenttool.Image)
}

// Tools returns the toolkit's tools, every call running in session.
func Tools(tk *agenttool.Toolkit, session *agenttool.Session, opts *Options) []tools.Tool {
	return ToolsFor(tk, func(context.Context) (*agenttool.Session, error) { return session, nil }, opts)
}

// ToolsFor returns the toolkit's tools, each call running in the session
// sessionFor returns for the call's context. Use it when one set of tools
// serves many conversations.
func ToolsFor(tk *agenttool.Toolkit, sessionFor SessionFunc, opts *Options) []tools.Tool {
	if opts == nil {
		opts = &Options{}
	}
	defs := tk.Definitions()
	out := make([]tools.Tool, 0, len(defs))
	for _, d := range defs {
		t := &tool{def: d, sessionFor: sessionFor, onImages: opts.OnImages}
		t.props, t.main = properties(d.InputSchema)
		t.description = d.Description + "\n\n" + inputHelp(t.props, t.main)
		out = append(out, t)
	}
	return out
}

type tool struct {
	def         agenttool.Definition
	description string
	props       map[string]property
	main        string // the argument plain text is taken as; "" when none
	sessionFor  SessionFunc
	onImages    func(context.Context, string, []agenttool.Image)
}

var _ tools.Tool = (*tool)(nil)

// Name returns the toolkit tool's name.
func (t *tool) Name() string { return t.def.Name }

// Description returns the toolkit's description followed by how to write
// the input.
func (t *tool) Description() string { return t.description }

// Call runs the tool with the model's input and returns the result's text.
// The error is non-nil only for failures the model cannot fix.
func (t *tool) Call(ctx context.Context, input string) (string, error) {
	session, err := t.sessionFor(ctx)
	if err != nil {
		return "", fmt.Errorf("%s: no session for this conversation: %w", t.def.Name, err)
	}
	if session == nil {
		return "", errors.New(t.def.Name + ": no session for this conversation")
	}
	res, err := session.Call(ctx, t.def.Name, t.arguments(input))
	if err != nil {
		return "", fmt.Errorf("%s: %w", t.def.Name, err)
	}
	text := res.Text
	if len(res.Images) > 0 {
		if t.onImages != nil {
			t.onImages(ctx, t.def.Name, res.Images)
			text += "note: this tool returns text only; the images listed above went to the user, not to you.\n"
		} else {
			text += "note: this tool returns text only; the images listed above were not shown to you.\n"
		}
	}
	return text, nil
}

// arguments turns the model's input into the JSON arguments of the toolkit
// tool. Input that is not one of the accepted forms is passed on as it is,
// and the toolkit answers with a failure that says what is wrong.
func (t *tool) arguments(input string) json.RawMessage {
	trimmed := strings.TrimSpace(input)
	if strings.HasPrefix(trimmed, "{") {
		var obj map[string]json.RawMessage
		if json.Unmarshal([]byte(trimmed), &obj) == nil {
			inner, wrapped := obj["__arg1"]
			if _, own := t.props["__arg1"]; wrapped && !own && len(obj) == 1 {
				var s string
				if json.Unmarshal(inner, &s) == nil {
					return t.arguments(s)
				}
			}
			return json.RawMessage(trimmed)
		}
	}
	if len(t.props) == 0 || (trimmed == "" && t.props[t.main].nullable) {
		return json.RawMessage("{}")
	}
	if t.main != "" {
		args, _ := json.Marshal(map[string]string{t.main: input})
		return args
	}
	// Neither JSON nor a single argument: let the toolkit say what it wants.
	args, _ := json.Marshal(input)
	return args
}

// property is what the input help says about one argument.
type property struct {
	typ      string // "string", "integer or null", ...
	nullable bool
	desc     string
}

// properties reads a toolkit input schema and picks the main argument: the
// one non-null string argument, or with no required argument the one
// string argument.
func properties(schema map[string]any) (map[string]property, string) {
	props := map[string]property{}
	raw, _ := schema["properties"].(map[string]any)
	for name, v := range raw {
		p, _ := v.(map[string]any)
		props[name] = readProperty(p)
	}
	return props, mainArgument(props)
}

// readProperty reads one property's schema: its types, with "null" taken
// as nullable, or the values of its enum, and its description.
func readProperty(p map[string]any) property {
	prop := property{}
	var kept []string
	for _, ty := range schemaTypes(p["type"]) {
		if ty == "null" {
			prop.nullable = true
		} else {
			kept = append(kept, ty)
		}
	}
	prop.typ = strings.Join(kept, " or ")
	if prop.typ == "" {
		prop.typ = "value"
	}
	if enum, ok := p["enum"].([]any); ok {
		var vals []string
		for _, e := range enum {
			if e != nil {
				vals = append(vals, fmt.Sprintf("%q", e))
			}
		}
		prop.typ = strings.Join(vals, " or ")
	}
	prop.desc, _ = p["description"].(string)
	return prop
}

// schemaTypes is a schema's "type": one name or a list of them.
func schemaTypes(v any) []string {
	switch ty := v.(type) {
	case string:
		return []string{ty}
	case []any:
		var types []string
		for _, e := range ty {
			if s, ok := e.(string); ok {
				types = append(types, s)
			}
		}
		return types
	case []string:
		return ty
	}
	return nil
}

// mainArgument is the argument a plain-text input fills: the one non-null
// string argument when it is the one required argument, or with no
// required argument the one string argument; "" when there is none.
func mainArgument(props map[string]property) string {
	required := 0
	var texts, requiredTexts []string
	for name, p := range props {
		if !p.nullable {
			required++
		}
		if p.typ == "string" {
			texts = append(texts, name)
			if !p.nullable {
				requiredTexts = append(requiredTexts, name)
			}
		}
	}
	switch {
	case required == 1 && len(requiredTexts) == 1:
		return requiredTexts[0]
	case required == 0 && len(texts) == 1:
		return texts[0]
	}
	return ""
}

// inputHelp tells the model how to write the input, since langchaingo's
// agents show it no schema.
func inputHelp(props map[string]property, main string) string {
	if len(props) == 0 {
		return "Input: nothing (any input is ignored)."
	}
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	fields := make([]string, 0, len(names))
	for _, name := range names {
		p := props[name]
		f := fmt.Sprintf("%q: %s", name, p.typ)
		if p.nullable {
			f += " (optional)"
		}
		fields = append(fields, f)
	}
	help := "Input: a JSON object {" + strings.Join(fields, ", ") + "}"
	if main != "" {
		help += ", or just the " + main + " itself as plain text"
	}
	return help + "."
}
