package anthropic

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// ToolParams returns the toolkit's tools for the Messages API
// (client.Messages.New), for hosts that run the tool loop themselves with
// [RunToolUses].
func ToolParams(tk *agenttool.Toolkit) []anthropic.ToolUnionParam {
	defs := tk.Definitions()
	out := make([]anthropic.ToolUnionParam, 0, len(defs))
	for _, d := range defs {
		s := inputSchema(d.InputSchema)
		out = append(out, anthropic.ToolUnionParam{OfTool: &anthropic.ToolParam{
			Name:        d.Name,
			Description: anthropic.String(d.Description),
			InputSchema: anthropic.ToolInputSchemaParam{Properties: s.Properties, Required: s.Required, ExtraFields: s.ExtraFields},
		}})
	}
	return out
}

// RunToolUses runs, in session and in order, the tool_use blocks of msg that
// call the toolkit's tools, and returns one tool_result block per call: a
// text block and image blocks, with is_error set when the run failed (a
// failed run keeps its images here, unlike in the tool runner). Send them,
// with the results of any other tools, in the next user message:
// anthropic.NewUserMessage(blocks...). Calls to other tools are left for the
// host. The error is non-nil only for failures the model cannot fix
// (authentication, network, ctx ended); the blocks are then those of the
// calls before the failed one, whose code has run.
func RunToolUses(ctx context.Context, tk *agenttool.Toolkit, session *agenttool.Session, msg *anthropic.Message) ([]anthropic.ContentBlockParamUnion, error) {
	names := map[string]bool{}
	for _, d := range tk.Definitions() {
		names[d.Name] = true
	}
	var out []anthropic.ContentBlockParamUnion
	for _, block := range msg.Content {
		if block.Type != "tool_use" {
			continue
		}
		use := block.AsToolUse()
		if !names[use.Name] {
			continue
		}
		res, err := session.Call(ctx, use.Name, use.Input)
		if err != nil {
			return out, fmt.Errorf("running %s: %w", use.Name, err)
		}
		out = append(out, anthropic.ContentBlockParamUnion{OfToolResult: toolResult(use.ID, res)})
	}
	return out, nil
}

var messageImageTypes = map[string]anthropic.Base64ImageSourceMediaType{
	"image/png":  anthropic.Base64ImageSourceMediaTypeImagePNG,
	"image/jpeg": anthropic.Base64ImageSourceMediaTypeImageJPEG,
	"image/gif":  anthropic.Base64ImageSourceMediaTypeImageGIF,
	"image/webp": anthropic.Base64ImageSourceMediaTypeImageWebP,
}

func toolResult(id string, res agenttool.Result) *anthropic.ToolResultBlockParam {
	text, sendable := splitImages(res, func(mime string) bool { _, ok := messageImageTypes[mime]; return ok })
	content := []anthropic.ToolResultBlockParamContentUnion{{OfText: &anthropic.TextBlockParam{Text: text}}}
	for _, img := range sendable {
		content = append(content, anthropic.ToolResultBlockParamContentUnion{OfImage: &anthropic.ImageBlockParam{
			Source: anthropic.ImageBlockParamSourceUnion{OfBase64: &anthropic.Base64ImageSourceParam{
				Data:      base64.StdEncoding.EncodeToString(img.Data),
				MediaType: messageImageTypes[strings.ToLower(img.MIMEType)],
			}},
		}})
	}
	return &anthropic.ToolResultBlockParam{ToolUseID: id, IsError: anthropic.Bool(res.IsError), Content: content}
}
