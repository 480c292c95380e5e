// Command agent shows how an agent uses the agenttool package: a scripted
// model (no network, no LLM) analyses a CSV file through the toolkit's
// tools, the way a model would through function calling, and the program
// prints the transcript exactly as the model would see it.
//
// The "model" uploads a CSV, computes statistics (getting a column name
// wrong once and recovering from the traceback), draws a bar chart as a PNG
// (with matplotlib when the pool has it, else with Python's standard
// library), lists the files and downloads the chart. With -out DIR the host
// saves the chart into DIR.
//
// Set AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT to use a real
// session pool (authenticating with azidentity.DefaultAzureCredential);
// without it the program starts a local emulator.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
	"github.com/seed-f3fa2c9d/azsessions/examples/internal/pool"
)

func main() {
	outDir := flag.String("out", "", "directory to save the chart in (default: do not save)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *outDir); err != nil {
		log.Fatal(err)
	}
}

// toolCall is what a model's API returns when the model calls a tool.
type toolCall struct {
	Name      string
	Arguments json.RawMessage
}

func run(ctx context.Context, out io.Writer, outDir string) error {
	client, release, err := pool.Connect(out)
	if err != nil {
		return err
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()

	kit, err := agenttool.New(client, nil)
	if err != nil {
		return err
	}
	// Every sandbox the toolkit made is deleted at the end, even on error.
	defer func() {
		if err := kit.Close(context.WithoutCancel(ctx)); err != nil {
			fmt.Fprintf(out, "Deleting the sandboxes: %v\n", err)
		}
	}()

	printTools(out, kit)
	// The conversation id comes from the host (a chat id, a user's thread):
	// the model never sees or picks the session identifier.
	session := kit.Session("conversation-42")
	if err := converse(ctx, out, session, &scriptedModel{}); err != nil {
		return err
	}
	if outDir == "" {
		return nil
	}
	return saveChart(ctx, out, session, outDir)
}

// printTools lists the tools; a real host sends these definitions to its
// model API as tools.
func printTools(out io.Writer, kit *agenttool.Toolkit) {
	fmt.Fprintln(out, "Tools offered to the model:")
	for _, d := range kit.Definitions() {
		fmt.Fprintf(out, "  %s\n", d.Name)
	}
}

// converse runs the model's turns until it stops calling tools, running
// each call in the session and handing the result back to the model.
func converse(ctx context.Context, out io.Writer, session *agenttool.Session, model *scriptedModel) error {
	var last *agenttool.Result
	for turn := 1; ; turn++ {
		say, call := model.next(last)
		fmt.Fprintf(out, "\n[model] %s\n", say)
		if call == nil {
			return nil
		}
		fmt.Fprintf(out, "[tool call %d] %s %s\n", turn, call.Name, compact(call.Arguments))
		result, err := session.Call(ctx, call.Name, call.Arguments)
		if err != nil {
			// Only failures the model cannot fix come back as errors: stop.
			return fmt.Errorf("tool %s: %w", call.Name, err)
		}
		printResult(out, result)
		last = &result
	}
}

// saveChart downloads the chart into outDir. The host, not the model, moves
// files to its own disk, into the one directory it chose.
func saveChart(ctx context.Context, out io.Writer, session *agenttool.Session, outDir string) error {
	root, err := os.OpenRoot(outDir)
	if err != nil {
		return err
	}
	defer root.Close()
	if err := session.DownloadTo(ctx, root, "chart.png"); err != nil {
		return err
	}
	fmt.Fprintf(out, "\n[host] saved the chart in %s\n", outDir)
	return nil
}

// printResult shows a result as the model receives it: the text, and each
// image as the separate image block a model API would carry.
func printResult(out io.Writer, r agenttool.Result) {
	fmt.Fprintf(out, "[tool result, is_error=%v]\n", r.IsError)
	for _, ln := range strings.Split(strings.TrimRight(r.Text, "\n"), "\n") {
		fmt.Fprintf(out, "  | %s\n", ln)
	}
	for _, im := range r.Images {
		name := im.Name
		if name == "" {
			name = "figure"
		}
		fmt.Fprintf(out, "  [image block: %s, %s, %d bytes]\n", name, im.MIMEType, len(im.Data))
	}
}

func compact(raw json.RawMessage) string {
	s := string(raw)
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return strings.ReplaceAll(s, `\n`, `⏎`)
}
