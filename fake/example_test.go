package fake_test

import (
	"context"
	"fmt"
	"log"
	"net/http"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

// This example runs code against a fake server, as a unit test of code that
// uses an ExecutionClient would.
func ExampleServer() {
	srv := fake.Server{
		Execute: func(ctx context.Context, identifier string, request azsessions.ExecutionRequest, options *azsessions.ExecutionClientExecuteOptions) (resp azfake.Responder[azsessions.ExecutionClientExecuteResponse], errResp azfake.ErrorResponder) {
			if identifier == "unknown" {
				errResp.SetResponseError(http.StatusBadRequest, string(azsessions.ErrorCodeSessionRequestValidationFailed))
				return
			}
			resp.SetResponse(http.StatusOK, azsessions.ExecutionClientExecuteResponse{
				Execution: azsessions.Execution{
					Status: to.Ptr(azsessions.ExecutionStatusSucceeded),
					Result: &azsessions.ExecutionResult{Stdout: to.Ptr("ran " + *request.Code + "\n")},
				},
			}, nil)
			return
		},
	}
	client, err := azsessions.NewClient("https://fake.dynamicsessions.io/subscriptions/x/resourceGroups/y/sessionPools/z", &azfake.TokenCredential{}, &azsessions.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: fake.NewServerTransport(&srv)},
	})
	if err != nil {
		log.Fatal(err)
	}
	exec := client.NewExecutionClient()

	resp, err := exec.Execute(context.Background(), "user-1", azsessions.NewCodeRequest("print(1)"), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(resp.Succeeded(), " ", *resp.Result.Stdout)

	_, err = exec.Execute(context.Background(), "unknown", azsessions.NewCodeRequest("print(1)"), nil)
	fmt.Println(azsessions.HasCode(err, azsessions.ErrorCodeSessionRequestValidationFailed))
	// Output:
	// true ran print(1)
	// true
}
