// Package anthropic gives the agenttool code-interpreter toolkit to the
// Anthropic Go SDK: one [anthropic.BetaTool] per toolkit tool for the SDK's
// tool runner ([Tools], [ToolsFor]), and, for hosts that run their own loop
// over client.Messages.New, tool definitions ([ToolParams]) and a helper that
// runs the tool calls of one answer ([RunToolUses]).
//
// The host decides which sandbox a conversation uses: [Tools] binds every tool
// to one [agenttool.Session], and [ToolsFor] looks the session up from the
// context of each call. The model never names a session.
//
// Results go back as a text block followed by image blocks (PNG, JPEG, GIF
// and WebP; other images are described in the text). A call that failed
// because of the model's code or arguments is answered with is_error set, so
// the model sees it as a failure; the tool runner carries such a result as
// text only, so images of a failed run are not sent there ([RunToolUses]
// keeps them).
//
// The tool runner runs the tool calls of one answer concurrently, so a
// session gets them in no fixed order: a model that sets a variable in one
// call and prints it in the next, in the same answer, would see the print
// fail about half the time. The run tool's description of [Tools] and
// [ToolsFor] tells the model so ([agenttool.UnorderedCallsNote]); to keep the
// order, set tool_choice's DisableParallelToolUse, as the example does, so
// the model makes one call per answer. [RunToolUses] runs calls in order.
package anthropic

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// SessionFunc returns the session of the conversation that a tool call
// belongs to, typically from a value the host put in ctx.
type SessionFunc func(ctx context.Context) (*agenttool.Session, error)

// Options changes what [Tools] and [ToolsFor] return. The zero value (or
// nil) is the default.
type Options struct {
	// OnHostError, when set, is called with the detail of every failure only
	// the host can fix (authentication, network, a cancelled context, no
	// session): the tool runner never returns such an error to the host, and
	// the model is told only that the sandbox service failed, since the
	// detail can hold the request URL (with the session identifier) and the
	// service's answer. Log it with care: it may quote a response body.
	OnHostError func(ctx context.Context, tool string, err error)
}

// Tools returns the toolkit's tools for the tool runner, every call running
// in session. opts may be nil.
func Tools(tk *agenttool.Toolkit, session *agenttool.Session, opts *Options) []anthropic.BetaTool {
	return ToolsFor(tk, func(context.Context) (*agenttool.Session, error) { return session, nil }, opts)
}

// ToolsFor returns the toolkit's tools for the tool runner, each call running
// in the session sessionFor returns for the call's context. Use it when one
// set of tools serves many conversations. opts may be nil.
func ToolsFor(tk *agenttool.Toolkit, sessionFor SessionFunc, opts *Options) []anthropic.BetaTool {
	if opts == nil {
		opts = &Options{}
	}
	// The runner runs the tool calls of one answer concurrently, so they
	// reach the session in no fixed order: the model is told.
	defs := agenttool.ForConcurrentCalls(tk.Definitions())
	out := make([]anthropic.BetaTool, 0, len(defs))
	for _, d := range defs {
		out = append(out, &tool{def: d, schema: inputSchema(d.InputSchema), sessionFor: sessionFor, onHostError: opts.OnHostError})
	}
	return out
}

type tool struct {
	def         agenttool.Definition
	schema      anthropic.BetaToolInputSchemaParam
	sessionFor  SessionFunc
	onHostError func(ctx context.Context, tool string, err error)
}

func (t *tool) Name() string                                    { return t.def.Name }
func (t *tool) Description() string                             { return t.def.Description }
func (t *tool) InputSchema() anthropic.BetaToolInputSchemaParam { return t.schema }

// Execute runs the tool. The runner answers a returned error with an
// is_error tool_result holding the error's text, and never stops the run for
// it, so a failure only the host can fix (authentication, network, a
// cancelled context) is returned as a [*HostError]: its text is a fixed
// sentence for the model, its detail goes to Options.OnHostError.
func (t *tool) Execute(ctx context.Context, input json.RawMessage) ([]anthropic.BetaToolResultBlockParamContentUnion, error) {
	session, err := t.sessionFor(ctx)
	if err == nil && session == nil {
		err = errors.New("no session for this conversation")
	} else if err != nil {
		err = fmt.Errorf("no session for this conversation: %w", err)
	}
	if err == nil {
		var res agenttool.Result
		res, err = session.Call(ctx, t.def.Name, input)
		if err == nil {
			if res.IsError {
				return nil, failure(res.Text)
			}
			return Blocks(res), nil
		}
	}
	if t.onHostError != nil {
		t.onHostError(ctx, t.def.Name, err)
	}
	return nil, &HostError{Err: err}
}

// HostError is what a tool of [Tools] or [ToolsFor] returns for a failure
// only the host can fix. Its text, which the tool runner shows the model,
// says the sandbox service failed and to tell the user, with its cause in a
// few words (the HTTP status at most, never the request or the answer); Err
// (reached by errors.As and errors.Is) has the detail.
type HostError struct {
	Err error
}

// Error returns the sentence the model sees.
func (e *HostError) Error() string {
	return "host error: the sandbox service failed (" + agenttool.HostFailureCause(e.Err) + "). This is not caused by your code or arguments, " +
		"and retrying at once will not help; tell the user."
}

// Unwrap returns the failure's detail.
func (e *HostError) Unwrap() error { return e.Err }

// failure is a failed run; the runner sends its text with is_error set.
type failure string

func (f failure) Error() string { return string(f) }

// imageTypes are the image media types the Messages API accepts.
var imageTypes = map[string]anthropic.BetaBase64ImageSourceMediaType{
	"image/png":  anthropic.BetaBase64ImageSourceMediaTypeImagePNG,
	"image/jpeg": anthropic.BetaBase64ImageSourceMediaTypeImageJPEG,
	"image/gif":  anthropic.BetaBase64ImageSourceMediaTypeImageGIF,
	"image/webp": anthropic.BetaBase64ImageSourceMediaTypeImageWebP,
}

// Blocks converts a toolkit result into tool_result content: the text, then
// one image block per image the API accepts. Images in other formats are
// named in the text instead.
func Blocks(res agenttool.Result) []anthropic.BetaToolResultBlockParamContentUnion {
	text, sendable := splitImages(res, func(mime string) bool { _, ok := imageTypes[mime]; return ok })
	blocks := []anthropic.BetaToolResultBlockParamContentUnion{{OfText: &anthropic.BetaTextBlockParam{Text: text}}}
	for _, img := range sendable {
		blocks = append(blocks, anthropic.BetaToolResultBlockParamContentUnion{OfImage: &anthropic.BetaImageBlockParam{
			Source: anthropic.BetaImageBlockParamSourceUnion{OfBase64: &anthropic.BetaBase64ImageSourceParam{
				Data:      base64.StdEncoding.EncodeToString(img.Data),
				MediaType: imageTypes[strings.ToLower(img.MIMEType)],
			}},
		}})
	}
	return blocks
}

// splitImages returns the text to send for res, naming the images whose
// media type the API does not accept, and the images it does accept.
func splitImages(res agenttool.Result, accepted func(mime string) bool) (string, []agenttool.Image) {
	text := res.Text
	var sendable []agenttool.Image
	var skipped []string
	for _, img := range res.Images {
		if !accepted(strings.ToLower(img.MIMEType)) {
			skipped = append(skipped, describe(img))
			continue
		}
		sendable = append(sendable, img)
	}
	if len(skipped) > 0 {
		text += "\n\nImages not shown (the format cannot be sent to you): " + strings.Join(skipped, ", ")
	}
	if text == "" {
		text = "(no output)"
	}
	return text, sendable
}

func describe(img agenttool.Image) string {
	name := img.Name
	if name == "" {
		name = "figure"
	}
	return fmt.Sprintf("%s (%s, %d bytes)", name, img.MIMEType, len(img.Data))
}

// inputSchema carries a toolkit JSON Schema into the SDK's type: properties
// and required in their fields, every other keyword (additionalProperties)
// as an extra field.
func inputSchema(s map[string]any) anthropic.BetaToolInputSchemaParam {
	var p anthropic.BetaToolInputSchemaParam
	extra := map[string]any{}
	for k, v := range s {
		switch k {
		case "type":
		case "properties":
			p.Properties = v
		case "required":
			p.Required = stringList(v)
		default:
			extra[k] = v
		}
	}
	if p.Properties == nil {
		p.Properties = map[string]any{}
	}
	if len(extra) > 0 {
		p.ExtraFields = extra
	}
	return p
}

func stringList(v any) []string {
	switch v := v.(type) {
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
