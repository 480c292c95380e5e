// Command quickstart runs code in a session, uploads a file, lists,
// downloads and deletes it, and prints the timing metrics of the execution.
//
// Set AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT to use a real
// session pool (authenticating with azidentity.DefaultAzureCredential);
// without it the program starts a local emulator.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/examples/internal/pool"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// csvName is the file the quickstart uploads; the space shows that any
// file name works.
const csvName = "quickstart data.csv"

func run(ctx context.Context, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	sandbox, err := pool.Open(out, "quickstart")
	if err != nil {
		return err
	}
	defer sandbox.Close(ctx)
	session := sandbox.Session
	fmt.Fprintf(out, "Session: %s\n", session)

	exec, files := sandbox.Client.NewExecutionClient(), sandbox.Client.NewFilesClient()
	if err := sayHello(ctx, out, exec, session); err != nil {
		return err
	}
	if err := uploadCSV(ctx, out, files, session); err != nil {
		return err
	}
	if err := findHottest(ctx, out, exec, session); err != nil {
		return err
	}
	if err := listFiles(ctx, out, files, session); err != nil {
		return err
	}
	if err := downloadHottest(ctx, out, files, session); err != nil {
		return err
	}
	return deleteFiles(ctx, out, files, session)
}

// runCode executes code in the session and returns its result, or an error
// when the code failed.
func runCode(ctx context.Context, exec *azsessions.ExecutionClient, session, code string) (azsessions.ExecutionClientExecuteResponse, error) {
	result, err := exec.Execute(ctx, session, azsessions.NewCodeRequest(code), nil)
	if err != nil {
		return result, fmt.Errorf("executing code: %w", err)
	}
	if !result.Succeeded() {
		return result, fmt.Errorf("the code failed (%s): %s", result.Failure(), deref(result.Result.Stderr))
	}
	return result, nil
}

// sayHello runs a first cell and prints its output, value and metrics.
func sayHello(ctx context.Context, out io.Writer, exec *azsessions.ExecutionClient, session string) error {
	result, err := runCode(ctx, exec, session,
		"import platform\nprint('Hello from Python', platform.python_version())\n6 * 7")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Execution %s: %s\n  stdout: %s  value:  %s\n", deref(result.ID), *result.Status, deref(result.Result.Stdout), result.Result.Text())
	printMetrics(out, result.Metrics)
	return nil
}

// uploadCSV puts a small CSV file into the session's /mnt/data.
func uploadCSV(ctx context.Context, out io.Writer, files *azsessions.FilesClient, session string) error {
	uploaded, err := files.Upload(ctx, session, csvName, strings.NewReader("city,temp\nOslo,3\nLima,19\n"), &azsessions.FilesClientUploadOptions{ContentType: to("text/csv")})
	if err != nil {
		return fmt.Errorf("uploading: %w", err)
	}
	fmt.Fprintf(out, "Uploaded %q (%d bytes)\n", deref(uploaded.Name), deref(uploaded.SizeInBytes))
	return nil
}

// findHottest runs code that reads the uploaded file and writes a new one:
// the code sees the uploaded file in /mnt/data and can write new ones there.
func findHottest(ctx context.Context, out io.Writer, exec *azsessions.ExecutionClient, session string) error {
	result, err := runCode(ctx, exec, session,
		"rows = open('/mnt/data/quickstart data.csv').read().splitlines()[1:]\n"+
			"open('/mnt/data/hottest.txt', 'w').write(max(rows, key=lambda r: int(r.split(',')[1])))\n"+
			"len(rows)")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "The code read %s rows\n", result.Result.Text())
	return nil
}

// listFiles prints the session's files, page by page.
func listFiles(ctx context.Context, out io.Writer, files *azsessions.FilesClient, session string) error {
	fmt.Fprintln(out, "Files in /mnt/data:")
	pager := files.NewListPager(session, nil)
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("listing: %w", err)
		}
		for _, f := range page.Value {
			fmt.Fprintf(out, "  %-22s %-9s %d bytes\n", deref(f.Name), deref(f.Type), deref(f.SizeInBytes))
		}
	}
	return nil
}

// downloadHottest prints the file the code wrote.
func downloadHottest(ctx context.Context, out io.Writer, files *azsessions.FilesClient, session string) error {
	download, err := files.Download(ctx, session, "hottest.txt", nil)
	if err != nil {
		return fmt.Errorf("downloading: %w", err)
	}
	content, err := io.ReadAll(download.Body)
	download.Body.Close()
	if err != nil {
		return fmt.Errorf("downloading: %w", err)
	}
	fmt.Fprintf(out, "Downloaded hottest.txt: %s\n", content)
	return nil
}

// deleteFiles deletes the uploaded file and the one the code wrote.
func deleteFiles(ctx context.Context, out io.Writer, files *azsessions.FilesClient, session string) error {
	for _, n := range []string{csvName, "hottest.txt"} {
		if _, err := files.Delete(ctx, session, n, nil); err != nil {
			return fmt.Errorf("deleting %q: %w", n, err)
		}
	}
	fmt.Fprintln(out, "Deleted both files. Done.")
	return nil
}

func printMetrics(out io.Writer, m azsessions.Metrics) {
	fmt.Fprintln(out, "  metrics:")
	show := func(label string, d *time.Duration) {
		if d != nil {
			fmt.Fprintf(out, "    %-28s %v\n", label, *d)
		}
	}
	show("allocation time", m.AllocationTime)
	show("container execution", m.ContainerExecutionDuration)
	show("execution request time", m.ExecutionRequestTime)
	show("overall execution time", m.OverallExecutionTime)
	show("total service time", m.TotalExecutionServiceTime)
	if m.NewAllocation != nil {
		fmt.Fprintf(out, "    %-28s %v\n", "new allocation", *m.NewAllocation)
	}
	if m.SessionGUID != nil {
		fmt.Fprintf(out, "    %-28s %s\n", "session guid", *m.SessionGUID)
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func to[T any](v T) *T { return &v }
