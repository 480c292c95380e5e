// Command async starts a long computation with BeginExecute, saves the
// poller's resume token as a program would between restarts, resumes from it
// and waits for the result.
//
// Set AZURE_CONTAINER_APP_SESSION_POOL_MANAGEMENT_ENDPOINT to use a real
// session pool; without it the program starts a local emulator.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/examples/internal/pool"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		log.Fatal(err)
	}
}

const code = `import time
total = 0
for i in range(5):
    time.sleep(0.2)
    total += i * i
print("squares summed")
total`

func run(ctx context.Context, out io.Writer) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	sandbox, err := pool.Open(out, "async")
	if err != nil {
		return err
	}
	defer sandbox.Close(ctx)
	session := sandbox.Session

	exec := sandbox.Client.NewExecutionClient()
	poller, err := exec.BeginExecute(ctx, session, azsessions.NewCodeRequest(code), nil)
	if err != nil {
		return fmt.Errorf("starting the execution: %w", err)
	}
	token, err := poller.ResumeToken()
	if err != nil {
		return fmt.Errorf("the execution finished at once: %w", err)
	}
	fmt.Fprintf(out, "Started; resume token of %d bytes saved.\n", len(token))

	// A program that restarted would read the token back and resume here.
	// Resuming never runs the code again.
	// PollFrequency polls every second instead of on the SDK's schedule
	// (PollUntilDoneOptions.Frequency would have no effect).
	resumed, err := exec.BeginExecute(ctx, session, azsessions.ExecutionRequest{}, &azsessions.ExecutionClientBeginExecuteOptions{ResumeToken: token, PollFrequency: time.Second})
	if err != nil {
		return fmt.Errorf("resuming: %w", err)
	}
	result, err := resumed.PollUntilDone(ctx, nil)
	if err != nil {
		return fmt.Errorf("polling: %w", err)
	}
	if !result.Succeeded() {
		return fmt.Errorf("the code failed (%s): %s", result.Failure(), *result.Result.Stderr)
	}
	fmt.Fprintf(out, "Done: %s  value %s\n", *result.Result.Stdout, result.Result.Text())
	return nil
}
