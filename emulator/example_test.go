package emulator_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/emulator"
)

// A program connects to a standalone emulator (go run
// ./cmd/azsessions-emulator) with the environment line the command prints
// on standard error.
func ExampleConnect() {
	endpoint := os.Getenv(emulator.EnvEndpoint)
	opts, cred, err := emulator.Connect(endpoint, os.Getenv(emulator.EnvToken), os.Getenv(emulator.EnvCert))
	if err != nil {
		log.Fatal(err)
	}
	client, err := azsessions.NewClient(endpoint, cred, opts)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := client.NewExecutionClient().Execute(context.TODO(), "my-session", azsessions.NewCodeRequest("6 * 7"), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(resp.Result.Value))
}
