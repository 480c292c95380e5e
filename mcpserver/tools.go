package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/internal/words"
)

// ToolNewSession is the name of the server's own tool that returns a fresh
// session handle.
const ToolNewSession = "new_session"

// sessionArg is the name of the argument every tool takes for a handle.
const sessionArg = "session"

const sessionArgDescription = "A handle from new_session, to use that sandbox. " +
	"Leave it out (or null) to use this connection's own sandbox."

// titles are the human-readable names clients show for the tools.
var titles = map[string]string{
	agenttool.ToolRunPython:    "Run Python",
	agenttool.ToolRunShell:     "Run a shell command",
	agenttool.ToolUploadFile:   "Upload a file",
	agenttool.ToolDownloadFile: "Download a file",
	agenttool.ToolListFiles:    "List files",
	agenttool.ToolDeleteFile:   "Delete a file",
	agenttool.ToolResetSession: "Reset the sandbox",
	agenttool.ToolPoolInfo:     "Describe the sandbox",
	ToolNewSession:             "New sandbox session",
}

// addTools registers each toolkit tool, then new_session. The run tool
// says that calls sent together may run in any order: the SDK handles a
// connection's calls concurrently, so calls a client sends at once (as
// hosts do with the tool calls of one model answer) reach the session in no
// fixed order. It returns the toolkit's tool names in the toolkit's order.
func (s *Server) addTools() []string {
	var names []string
	for _, d := range agenttool.ForConcurrentCalls(s.toolkit.Definitions()) {
		names = append(names, d.Name)
		s.tools[d.Name] = true
		destructive := d.Destructive
		// Only code can reach beyond the sandbox (a pool may allow egress);
		// the file tools, reset and pool_info touch the sandbox alone, and
		// MCP takes an absent openWorldHint for true.
		openWorld := d.Name == agenttool.ToolRunPython || d.Name == agenttool.ToolRunShell
		tool := &mcp.Tool{
			Name:         d.Name,
			Title:        titles[d.Name],
			Description:  d.Description,
			InputSchema:  withSessionArg(d.InputSchema),
			OutputSchema: d.OutputSchema,
			Annotations: &mcp.ToolAnnotations{
				Title:           titles[d.Name],
				ReadOnlyHint:    d.ReadOnly,
				DestructiveHint: &destructive,
				OpenWorldHint:   &openWorld,
			},
		}
		s.mcp.AddTool(tool, s.toolHandler(d.Name))
	}
	notDestructive, notOpenWorld := false, false // it only makes a handle
	s.mcp.AddTool(&mcp.Tool{
		Name:  ToolNewSession,
		Title: titles[ToolNewSession],
		Description: "Create a handle for a fresh, empty sandbox. Pass it as `session` to the other tools to use that " +
			"sandbox; calls without `session` use this connection's own sandbox. Use one handle per conversation " +
			"to keep conversations apart, or to keep files and variables when you reconnect. " +
			"A handle's sandbox is deleted after a while without calls, or by reset_session.",
		InputSchema: map[string]any{
			"type":                 "object",
			"properties":           map[string]any{},
			"required":             []any{},
			"additionalProperties": false,
		},
		OutputSchema: map[string]any{
			"type": "object",
			"properties": map[string]any{
				"session": map[string]any{"type": "string", "description": "The handle to pass as `session`."},
			},
			"required":             []any{"session"},
			"additionalProperties": false,
		},
		Annotations: &mcp.ToolAnnotations{
			Title:           titles[ToolNewSession],
			DestructiveHint: &notDestructive,
			OpenWorldHint:   &notOpenWorld,
		},
	}, s.newSession)
	return names
}

// withSessionArg returns a copy of schema with the optional session
// argument added. A strict schema (every property required, optional ones
// nullable, as OpenAI's strict mode wants) gets a required nullable
// property; any other gets a plain optional one.
func withSessionArg(schema map[string]any) map[string]any {
	out := maps.Clone(schema)
	if out == nil {
		out = map[string]any{"type": "object"}
	}
	props, _ := out["properties"].(map[string]any)
	props = maps.Clone(props)
	if props == nil {
		props = map[string]any{}
	}
	required := requiredNames(out["required"])
	strict := len(required) == len(props)
	if strict {
		props[sessionArg] = map[string]any{"type": []any{"string", "null"}, "description": sessionArgDescription}
		req := make([]any, 0, len(required)+1)
		for _, r := range required {
			req = append(req, r)
		}
		out["required"] = append(req, sessionArg)
	} else {
		props[sessionArg] = map[string]any{"type": "string", "description": sessionArgDescription}
	}
	out["properties"] = props
	return out
}

func requiredNames(v any) []string {
	switch r := v.(type) {
	case []string:
		return r
	case []any:
		names := make([]string, 0, len(r))
		for _, x := range r {
			if s, ok := x.(string); ok {
				names = append(names, s)
			}
		}
		return names
	}
	return nil
}

// toolHandler runs the toolkit tool name for one call.
func (s *Server) toolHandler(name string) mcp.ToolHandler {
	return func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		args, handle, err := splitSessionArg(req.Params.Arguments)
		if err != nil {
			return errorResult(err.Error()), nil
		}
		ctx, endCall := s.callContext(ctx, req.Session)
		defer endCall()
		sess, swept, release, err := s.sessions.acquire(ctx, req.Session, handle, time.Now())
		if err != nil {
			return errorResult(err.Error()), nil
		}
		defer release()
		stop := s.startProgress(ctx, req, name)
		id := sess.Identifier() // reset_session moves the session to a new one
		start := time.Now()
		res, err := sess.Call(ctx, name, args)
		stop()
		elapsed := time.Since(start).Round(time.Millisecond)
		if err != nil {
			if shuttingDown(ctx) {
				s.log.Info("tool call stopped: "+context.Cause(ctx).Error(), "tool", name, "session", id, "duration", elapsed)
				return errorResult("The call was stopped: " + context.Cause(ctx).Error() + ", and this sandbox is being deleted."), nil
			}
			if ctx.Err() != nil {
				s.log.Info("tool call ended by the client", "tool", name, "session", id, "duration", elapsed)
				return nil, ctx.Err()
			}
			s.log.Error("tool call failed in the session pool", "tool", name, "session", id, "duration", elapsed, "error", safeError(err))
			return errorResult(hostFailureText(err)), nil
		}
		res = withSessionArgNamed(name, res)
		outcome := "ok"
		if res.IsError {
			outcome = "error result"
		}
		if s.log.Enabled(ctx, slog.LevelInfo) { // the arguments cost allocations even for a discarded record
			s.log.Info("tool call", "tool", name, "session", id, "duration", elapsed, "outcome", outcome, "images", len(res.Images))
		}
		if swept {
			res = withNote(res, fmt.Sprintf("This handle's sandbox was deleted after %s without calls, so this call started in an empty one: earlier files and variables are gone.", durationWords(s.opts.HandleIdleTimeout)))
		}
		return callToolResult(res), nil
	}
}

// newSession is the new_session tool.
func (s *Server) newSession(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
	rest, given, err := splitSessionArg(req.Params.Arguments)
	if err != nil {
		return errorResult(err.Error()), nil
	}
	var others map[string]json.RawMessage
	if given != "" || json.Unmarshal(rest, &others) != nil || len(others) > 0 {
		return errorResult("new_session takes no arguments: call it with {} for a new handle; to use a handle you have, pass it as `session` to the other tools"), nil
	}
	handle, err := s.sessions.newHandle(time.Now())
	if err != nil {
		return errorResult(err.Error()), nil
	}
	s.log.Info("tool call", "tool", ToolNewSession, "outcome", "ok")
	return &mcp.CallToolResult{
		Content: []mcp.Content{&mcp.TextContent{Text: "status: succeeded\nNew sandbox session: " + handle + "\n" +
			"Pass it as `session` to the other tools to use this sandbox. It starts empty.\n"}},
		StructuredContent: map[string]string{"session": handle},
	}, nil
}

// splitSessionArg takes the session argument out of a call's arguments and
// returns the rest for the toolkit, which refuses names it does not know.
func splitSessionArg(raw json.RawMessage) (json.RawMessage, string, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return json.RawMessage("{}"), "", nil
	}
	if !bytes.Contains(trimmed, []byte(sessionArg)) {
		return raw, "", nil // the common case: no need to decode twice
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &fields); err != nil || fields == nil {
		return nil, "", errors.New("the arguments must be a JSON object")
	}
	v, ok := fields[sessionArg]
	if !ok {
		return raw, "", nil
	}
	delete(fields, sessionArg)
	var handle *string
	if err := json.Unmarshal(v, &handle); err != nil {
		return nil, "", errors.New("`session` must be a string (a handle from new_session) or null")
	}
	rest, err := json.Marshal(fields)
	if err != nil {
		return nil, "", err
	}
	if handle == nil || strings.EqualFold(strings.TrimSpace(*handle), "null") {
		// "null" as a string is null: clients that send every argument as
		// a string (the MCP Inspector's CLI) send it for null, and no
		// handle is "null" (every one starts with its prefix).
		return rest, "", nil
	}
	return rest, *handle, nil
}

// callToolResult maps a toolkit result onto MCP: Text first, then each
// image, the structured result, and isError.
func callToolResult(res agenttool.Result) *mcp.CallToolResult {
	content := make([]mcp.Content, 0, 1+len(res.Images))
	content = append(content, &mcp.TextContent{Text: res.Text})
	for _, img := range res.Images {
		content = append(content, &mcp.ImageContent{Data: img.Data, MIMEType: img.MIMEType})
	}
	return &mcp.CallToolResult{
		Content:           content,
		StructuredContent: res.Structured,
		IsError:           res.IsError,
	}
}

// errorResult is a failed call with a sentence the model can act on, in
// the toolkit's Text layout for a call that did not reach the code.
func errorResult(sentence string) *mcp.CallToolResult {
	text := "status: error\nerror: " + strings.ReplaceAll(sentence, "\n", " ") + "\n"
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: text}}, IsError: true}
}

// hostFailureText tells the model that the pool failed, not its code, so it
// stops retrying and tells the user.
func hostFailureText(err error) string {
	return "The sandbox service failed (" + agenttool.HostFailureCause(err) + "). This is not caused by your code or arguments, " +
		"and retrying at once will not help; tell the user. The server's log has the details."
}

// safeError renders err for the host's log without response bodies, which
// can quote what a request carried.
func safeError(err error) string {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		return fmt.Sprintf("HTTP %d %s", re.StatusCode, re.ErrorCode)
	}
	return err.Error()
}

// startProgress sends a progress notification every ProgressInterval while
// a call runs, when the client gave a progress token. The returned function
// stops it and waits, so no notification follows the result.
func (s *Server) startProgress(ctx context.Context, req *mcp.CallToolRequest, tool string) (stop func()) {
	token := req.Params.GetProgressToken()
	if token == nil || s.opts.ProgressInterval < 0 || req.Session == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		ticker := time.NewTicker(s.opts.ProgressInterval)
		defer ticker.Stop()
		start := time.Now()
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-ticker.C:
				_ = req.Session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{
					ProgressToken: token,
					Progress:      float64(n),
					Message:       fmt.Sprintf("%s still running after %s", tool, durationWords(time.Since(start).Round(time.Second))),
				})
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// withNote adds a note line to a result's Text, after its status line and
// the failure or error lines that follow it, and to its structured notes
// when it has them.
func withNote(res agenttool.Result, note string) agenttool.Result {
	at := afterHeadLines(res.Text)
	head := res.Text[:at]
	if head != "" && !strings.HasSuffix(head, "\n") {
		head += "\n"
	}
	res.Text = head + "note: " + note + "\n" + res.Text[at:]
	if out, ok := res.Structured.(*agenttool.RunOutput); ok {
		withNote := *out
		withNote.Notes = append([]string{note}, out.Notes...)
		res.Structured = &withNote
	}
	return res
}

// afterHeadLines is where the layout's head lines end in text: the status
// line and the failure, exit code or error lines that follow it, which
// readers expect right after the status (a failed run's second line is its
// failure). They are the toolkit's own lines, before any block.
func afterHeadLines(text string) int {
	at := 0
	for first := true; at < len(text); first = false {
		line := text[at:]
		if !first && !strings.HasPrefix(line, "failure: ") && !strings.HasPrefix(line, "exit code: ") && !strings.HasPrefix(line, "error: ") {
			break
		}
		end := strings.IndexByte(line, '\n')
		if end < 0 {
			return len(text)
		}
		at += end + 1
	}
	return at
}

// durationWords says d the way a sentence for a model would, in whole
// minutes when it is some ("30 minutes"), else in seconds rounded up as
// agenttool's timeout texts say them ("90 seconds", never "1m30s").
func durationWords(d time.Duration) string {
	if d >= time.Minute && d%time.Minute == 0 {
		return words.Count(int64(d/time.Minute), "minute")
	}
	return words.Seconds(d)
}
