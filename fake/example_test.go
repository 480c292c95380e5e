package fake_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	azfake "github.com/Azure/azure-sdk-for-go/sdk/azcore/fake"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"

	"github.com/seed-f3fa2c9d/azsessions"
	"github.com/seed-f3fa2c9d/azsessions/fake"
)

// This example runs code against a fake server, as a unit test of code that
// uses an ExecutionClient would.
func ExampleServerFactory() {
	srv := fake.ServerFactory{
		ExecutionServer: fake.ExecutionServer{
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
		},
	}
	client, err := azsessions.NewClient("https://fake.dynamicsessions.io/subscriptions/x/resourceGroups/y/sessionPools/z", &azfake.TokenCredential{}, &azsessions.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: fake.NewServerFactoryTransport(&srv)},
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

// This example fakes only the FilesClient, as a unit test of code that
// downloads a session's file would.
func ExampleNewFilesServerTransport() {
	srv := fake.FilesServer{
		Download: func(ctx context.Context, identifier string, name string, options *azsessions.FilesClientDownloadOptions) (resp azfake.Responder[azsessions.FilesClientDownloadResponse], errResp azfake.ErrorResponder) {
			if name != "report.csv" {
				errResp.SetResponseError(http.StatusNotFound, "FileNotFound")
				return
			}
			resp.SetResponse(http.StatusOK, azsessions.FilesClientDownloadResponse{
				Body:        io.NopCloser(strings.NewReader("a,b\n1,2\n")),
				ContentType: to.Ptr("text/csv"),
			}, nil)
			return
		},
	}
	client, err := azsessions.NewClient("https://fake.dynamicsessions.io/subscriptions/x/resourceGroups/y/sessionPools/z", &azfake.TokenCredential{}, &azsessions.ClientOptions{
		ClientOptions: azcore.ClientOptions{Transport: fake.NewFilesServerTransport(&srv)},
	})
	if err != nil {
		log.Fatal(err)
	}
	dl, err := client.NewFilesClient().Download(context.Background(), "user-1", "report.csv", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer dl.Body.Close()
	data, err := io.ReadAll(dl.Body)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(*dl.ContentType, "\n", string(data))

	_, err = client.NewFilesClient().Download(context.Background(), "user-1", "missing.csv", nil)
	fmt.Println(azsessions.HasCode(err, "FileNotFound"))
	// Output:
	// text/csv
	// a,b
	// 1,2
	// true
}
