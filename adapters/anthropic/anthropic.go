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

// Tools returns the toolkit's tools for the tool runner, every call running
// in session.
func Tools(tk *agenttool.Toolkit, session *agenttool.Session) []anthropic.BetaTool {
	return ToolsFor(tk, func(context.Context) (*agenttool.Session, error) { return session, nil })
}

// ToolsFor returns the toolkit's tools for the tool runner, each call running
// in the session sessionFor returns for the call's context. Use it when one
// set of tools serves many conversations.
func ToolsFor(tk *agenttool.Toolkit, sessionFor SessionFunc) []anthropic.BetaTool {
	defs := tk.Definitions()
	out := make([]anthropic.BetaTool, 0, len(defs))
	for _, d := range defs {
		out = append(out, &tool{def: d, schema: inputSchema(d.InputSchema), sessionFor: sessionFor})
	}
	return out
}

type tool struct {
	def        agenttool.Definition
	schema     anthropic.BetaToolInputSchemaParam
	sessionFor SessionFunc
}

func (t *tool) Name() string                                    { return t.def.Name }
func (t *tool) Description() string                             { return t.def.Description }
func (t *tool) InputSchema() anthropic.BetaToolInputSchemaParam { return t.schema }

// Execute runs the tool. The runner answers a returned error with an
// is_error tool_result holding the error's text, and never stops the run for
// it, so a failure only the host can fix (authentication, network, a
// cancelled context) reaches the model as "host error: ..." as well.
func (t *tool) Execute(ctx context.Context, input json.RawMessage) ([]anthropic.BetaToolResultBlockParamContentUnion, error) {
	session, err := t.sessionFor(ctx)
	if err != nil {
		return nil, fmt.Errorf("host error: no session for this conversation: %w", err)
	}
	if session == nil {
		return nil, errors.New("host error: no session for this conversation")
	}
	res, err := session.Call(ctx, t.def.Name, input)
	if err != nil {
		return nil, fmt.Errorf("host error: %w", err)
	}
	if res.IsError {
		return nil, failure(res.Text)
	}
	return Blocks(res), nil
}

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
	text := res.Text
	var images []anthropic.BetaToolResultBlockParamContentUnion
	var skipped []string
	for _, img := range res.Images {
		mt, ok := imageTypes[strings.ToLower(img.MIMEType)]
		if !ok {
			skipped = append(skipped, describe(img))
			continue
		}
		images = append(images, anthropic.BetaToolResultBlockParamContentUnion{OfImage: &anthropic.BetaImageBlockParam{
			Source: anthropic.BetaImageBlockParamSourceUnion{OfBase64: &anthropic.BetaBase64ImageSourceParam{
				Data:      base64.StdEncoding.EncodeToString(img.Data),
				MediaType: mt,
			}},
		}})
	}
	if len(skipped) > 0 {
		text += "\n\nImages not shown (the format cannot be sent to you): " + strings.Join(skipped, ", ")
	}
	if text == "" {
		text = "(no output)"
	}
	blocks := []anthropic.BetaToolResultBlockParamContentUnion{{OfText: &anthropic.BetaTextBlockParam{Text: text}}}
	return append(blocks, images...)
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
