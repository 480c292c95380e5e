package azsessions_test

// Every Go snippet of README.md and docs/*.md is copied into a function of
// this file (or of another test or example the suite compiles), and
// TestDocSnippetsCompile checks that each snippet still appears line for
// line. When you add or
// change a snippet, put it in a function below (its free variables, such as
// ctx and client, as parameters). A line ending in "// not in the snippet"
// is left out of the comparison.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

// README.md, "Authenticate the client".
func readmeSovereignCloud() *azsessions.ClientOptions {
	opts := &azsessions.ClientOptions{}
	opts.Cloud.Services = map[cloud.ServiceName]cloud.ServiceConfiguration{
		azsessions.ServiceName: {Audience: "https://dynamicsessions.azure.us"},
	}
	return opts
}

// README.md, "Create a client".
func readmeCreateClient(ctx context.Context) {
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	// TODO: handle error
	_ = err // not in the snippet
	client, err := azsessions.NewClient("https://<region>.dynamicsessions.io/subscriptions/<sub>/resourceGroups/<rg>/sessionPools/<pool>", cred, nil)
	// TODO: handle error
	_ = err // not in the snippet

	resp, err := client.NewExecutionClient().Execute(ctx, "user-42", azsessions.NewCodeRequest("print(6 * 7)"), nil)
	// TODO: handle error
	fmt.Print(*resp.Result.Stdout) // 42
	_ = err
}

// README.md, "Deadlines and interrupted executions".
func readmeInterrupted(ctx context.Context, exec *azsessions.ExecutionClient, id string, req azsessions.ExecutionRequest) {
	_, err := exec.Execute(ctx, id, req, nil)
	var ie *azsessions.ExecutionInterruptedError
	if errors.As(err, &ie) {
		// The code may still be running; its result stays with the service.
		later, err := exec.Get(context.Background(), ie.Identifier, ie.OperationID, nil)
		if err == nil && later.Succeeded() {
			fmt.Print(*later.Result.Stdout)
		}
	}
}

// README.md, "Run code and read the result".
func readmeRunCode(ctx context.Context, client *azsessions.Client) error {
	exec := client.NewExecutionClient()
	req := azsessions.NewCodeRequest("import pandas as pd\npd.__version__")
	req.TimeoutInSeconds = to.Ptr[int32](60)
	resp, err := exec.Execute(ctx, "user-42", req, nil)
	if err != nil {
		return err // invalid argument, HTTP failure or network failure
	}
	switch resp.Failure() {
	case azsessions.ExecutionFailureNone:
		fmt.Println(resp.Result.Text()) // '2.2.2'
	case azsessions.ExecutionFailureTimeout:
		// the session was reset; retry with less work
	default:
		fmt.Println(*resp.Result.Stderr) // the traceback
	}
	return nil
}

// README.md, "Files".
func readmeFiles(ctx context.Context, client *azsessions.Client, out io.Writer) error {
	files := client.NewFilesClient()
	f, err := os.Open("sales.csv")
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := files.Upload(ctx, "user-42", "sales.csv", f, nil); err != nil { // streamed
		return err
	}

	dl, err := files.Download(ctx, "user-42", "chart.png", nil) // streamed
	if err != nil {
		return err
	}
	defer dl.Body.Close()
	_, err = io.Copy(out, dl.Body)
	return err
}

// README.md, "Testing your code without Azure".
func TestMyAgent(t *testing.T) {
	if testing.Short() { // not in the snippet
		t.Skip("starts the emulator; skipped under -short") // not in the snippet
	} // not in the snippet
	client := emulator.NewForTest(t, nil) // stopped and cleaned up with the test
	runMyAgent(t.Context(), client)       // your code, talking to a real pool
}

// runMyAgent stands for the reader's code in the README's test snippet.
func runMyAgent(ctx context.Context, client *azsessions.Client) {
	resp, err := client.NewExecutionClient().Execute(ctx, "agent", azsessions.NewCodeRequest("print(1)"), nil)
	if err != nil || !resp.Succeeded() {
		panic(fmt.Sprintf("the emulator did not run print(1): %v", err))
	}
}

// README.md, "Errors".
func readmeErrors(err error) {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		switch {
		case re.StatusCode == http.StatusUnauthorized: // wrong audience or expired token
		case re.StatusCode == http.StatusForbidden: // missing Session Executor role (or not yet applied)
		case re.StatusCode == http.StatusRequestEntityTooLarge: // upload over 128 MB
		case re.StatusCode == http.StatusTooManyRequests: // pool at its session limit
		case azsessions.HasCode(err, azsessions.ErrorCodeSessionPropertiesMissing):
			// the body does not fit the pool type (code sent to a shell pool, or the reverse)
		}
	}
}

// docs/emulator.md, "Starting it": in a test.
func docsEmulatorInTest(t *testing.T) *azsessions.Client {
	client := emulator.NewForTest(t, nil) // in a test: started, cleaned up with t
	return client
}

// docs/emulator.md, "Starting it": in a program.
func docsEmulatorStart() error {
	emu, err := emulator.Start(&emulator.Options{PoolType: emulator.PoolTypeShell})
	if err != nil {
		return err
	}
	defer emu.Close()
	client, err := emu.NewClient() // or emu.Endpoint(), emu.Credential(), emu.ClientOptions()
	_ = client
	return err
}

// docs/agents.md, "Using the toolkit from Go".
func docsAgentsToolkit(ctx context.Context, endpoint string, cred azcore.TokenCredential, key []byte, conversationID string) error {
	client, err := azsessions.NewClient(endpoint, cred, nil) // or emulator.Start(nil) + emu.NewClient()
	if err != nil {
		return err
	}
	kit, err := agenttool.New(client, &agenttool.Options{Key: key}) // key: 32 secret bytes, or nil
	if err != nil {
		return err
	}
	defer kit.Close(ctx) // deletes every sandbox the toolkit made
	session := kit.Session(conversationID)
	result, err := session.Call(ctx, agenttool.ToolRunPython, json.RawMessage(`{"code": "6 * 7", "timeout_seconds": null}`))
	if err != nil {
		return err // only what the host must fix: credential, throttling, network
	}
	fmt.Print(result.Text) // status: succeeded ... ----- value ----- 42 ...
	return nil
}

// ModelTool and the other model* types stand for a model API's own types
// in the tool loop of docs/agents.md.
type ModelTool struct {
	Name, Description string
	Parameters        map[string]any
	Strict            bool
}

type modelMessage struct{}

type modelToolCall struct{ ID, Name, Arguments string }

type modelReply struct {
	Message   modelMessage
	ToolCalls []modelToolCall
}

type modelAPI interface {
	Send(ctx context.Context, messages []modelMessage, tools []ModelTool) (modelReply, error)
}

// ToolResult stands for the model API's tool-result message.
func ToolResult(callID, text string, isError bool, images []agenttool.Image) modelMessage {
	return modelMessage{}
}

// docs/agents.md, the hand-written tool loop.
func docsAgentsToolLoop(ctx context.Context, kit *agenttool.Toolkit, model modelAPI, messages []modelMessage, conversationID string) error {
	tools := []ModelTool{}
	for _, d := range kit.Definitions() {
		tools = append(tools, ModelTool{Name: d.Name, Description: d.Description, Parameters: d.InputSchema, Strict: true})
	}
	session := kit.Session(conversationID) // the host's id for the chat, never the model's choice
	for {
		reply, err := model.Send(ctx, messages, tools)
		if err != nil {
			return err
		}
		messages = append(messages, reply.Message)
		if len(reply.ToolCalls) == 0 {
			break // the model answered
		}
		for _, call := range reply.ToolCalls {
			res, err := session.Call(ctx, call.Name, json.RawMessage(call.Arguments))
			if err != nil {
				return err // only what the host must fix: credential, throttling, network, ctx
			}
			// Text for the model, images as image blocks, IsError as the API's error flag.
			messages = append(messages, ToolResult(call.ID, res.Text, res.IsError, res.Images))
		}
	}
	return nil
}

var (
	_ = readmeSovereignCloud
	_ = readmeCreateClient
	_ = readmeRunCode
	_ = readmeFiles
	_ = readmeErrors
	_ = readmeInterrupted
	_ = docsEmulatorInTest
	_ = docsEmulatorStart
	_ = docsAgentsToolkit
	_ = docsAgentsToolLoop
)

var goFence = regexp.MustCompile("(?ms)^```go\n(.*?)^```")

// TestDocSnippetsCompile fails when a Go snippet of README.md or docs/*.md
// is not, line for line (indentation and gofmt's alignment aside), in a Go
// file the suite compiles: this one, another _test.go file or an example
// program.
func TestDocSnippetsCompile(t *testing.T) {
	var here [][]string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || (!strings.HasSuffix(path, "_test.go") && !strings.HasPrefix(path, "examples"+string(filepath.Separator))) {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var lines []string
		for _, l := range normalizedLines(string(src)) {
			if !strings.HasSuffix(l, "// not in the snippet") {
				lines = append(lines, l)
			}
		}
		here = append(here, lines)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	docs, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	docs = append([]string{"README.md"}, docs...)
	for _, doc := range docs {
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goFence.FindAllStringSubmatch(string(text), -1) {
			snippet := normalizedLines(m[1])
			if len(snippet) > 0 && !slices.ContainsFunc(here, func(lines []string) bool { return containsRun(lines, snippet) }) {
				t.Errorf("%s: this Go snippet is in no Go file the suite compiles, so nothing checks that it compiles; copy it into a function of readme_snippets_test.go:\n%s", doc, m[1])
			}
		}
	}
}

// normalizedLines returns the non-blank lines of s without their
// indentation, with runs of spaces (gofmt's alignment) squeezed to one.
func normalizedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// containsRun tells whether want appears in have as consecutive lines.
func containsRun(have, want []string) bool {
	for i := 0; i+len(want) <= len(have); i++ {
		match := true
		for j := range want {
			if have[i+j] != want[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
