package azsessions_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/seed-f3fa2c9d/azsessions"
)

var client *azsessions.Client

func ExampleNewClient() {
	endpoint := "https://<region>.dynamicsessions.io/subscriptions/<sub>/resourceGroups/<rg>/sessionPools/<pool>"
	cred, err := azidentity.NewDefaultAzureCredential(nil)
	if err != nil {
		// TODO: handle error
	}
	client, err := azsessions.NewClient(endpoint, cred, nil)
	if err != nil {
		// TODO: handle error
	}
	_ = client
}

func ExampleExecutionClient_Execute() {
	request := azsessions.NewCodeRequest("import sys\nprint(sys.version)")
	request.TimeoutInSeconds = to.Ptr[int32](30)
	resp, err := client.NewExecutionClient().Execute(context.TODO(), "user-1234", request, nil)
	if err != nil {
		// TODO: handle error
	}
	// Code that raised or timed out is not a Go error: check the execution.
	if !resp.Succeeded() {
		switch resp.Failure() {
		case azsessions.ExecutionFailureTimeout:
			fmt.Println("the code ran too long")
		default:
			fmt.Printf("the code failed (%s): %s\n", resp.Failure(), *resp.Result.Stderr)
		}
		return
	}
	fmt.Print(*resp.Result.Stdout)
	if d := resp.Metrics.ContainerExecutionDuration; d != nil {
		fmt.Println("ran for", *d)
	}
}

func ExampleExecutionClient_BeginExecute() {
	request := azsessions.NewCodeRequest("import time\ntime.sleep(60)\nprint('done')")
	poller, err := client.NewExecutionClient().BeginExecute(context.TODO(), "user-1234", request, nil)
	if err != nil {
		// TODO: handle error
	}
	resp, err := poller.PollUntilDone(context.TODO(), &runtime.PollUntilDoneOptions{Frequency: 2 * time.Second})
	if err != nil {
		// TODO: handle error
	}
	fmt.Println(*resp.Status, *resp.Result.Stdout)
}

func ExampleExecutionClient_Get() {
	resp, err := client.NewExecutionClient().Get(context.TODO(), "user-1234", "<execution id>", nil)
	if err != nil {
		// TODO: handle error
	}
	fmt.Println(*resp.Status)
	if resp.Result != nil {
		fmt.Print(*resp.Result.Stdout)
	}
}

func ExampleFilesClient_Upload() {
	f, err := os.Open("data.csv")
	if err != nil {
		// TODO: handle error
	}
	defer f.Close()
	resp, err := client.NewFilesClient().Upload(context.TODO(), "user-1234", "data.csv", f, &azsessions.FilesClientUploadOptions{
		Path: to.Ptr("input"),
	})
	if err != nil {
		// TODO: handle error
	}
	fmt.Printf("uploaded %s (%d bytes)\n", *resp.Name, *resp.SizeInBytes)
}

func ExampleFilesClient_NewListPager() {
	pager := client.NewFilesClient().NewListPager("user-1234", nil)
	for pager.More() {
		page, err := pager.NextPage(context.TODO())
		if err != nil {
			// TODO: handle error
		}
		for _, file := range page.Value {
			fmt.Println(*file.Name, *file.Type)
		}
	}
}

func ExampleFilesClient_Get() {
	resp, err := client.NewFilesClient().Get(context.TODO(), "user-1234", "data.csv", &azsessions.FilesClientGetOptions{
		Path: to.Ptr("input"),
	})
	if err != nil {
		// TODO: handle error
	}
	fmt.Println(*resp.SizeInBytes, *resp.LastModifiedAt)
}

func ExampleFilesClient_Download() {
	resp, err := client.NewFilesClient().Download(context.TODO(), "user-1234", "chart.png", nil)
	if err != nil {
		// TODO: handle error
	}
	defer resp.Body.Close()
	out, err := os.Create("chart.png")
	if err != nil {
		// TODO: handle error
	}
	defer out.Close()
	if _, err := io.Copy(out, resp.Body); err != nil {
		// TODO: handle error
	}
}

func ExampleFilesClient_Delete() {
	_, err := client.NewFilesClient().Delete(context.TODO(), "user-1234", "data.csv", &azsessions.FilesClientDeleteOptions{
		Path: to.Ptr("input"),
	})
	if err != nil {
		// TODO: handle error
	}
}

func ExampleSessionsClient_Get() {
	resp, err := client.NewSessionsClient().Get(context.TODO(), "user-1234", nil)
	if err != nil {
		// TODO: handle error
	}
	fmt.Println("expires at", *resp.ExpiresAt)
}

func ExampleSessionsClient_Delete() {
	_, err := client.NewSessionsClient().Delete(context.TODO(), "user-1234", nil)
	if err != nil {
		// TODO: handle error
	}
}

func ExampleSessionsClient_Stop() {
	resp, err := client.NewSessionsClient().Stop(context.TODO(), "user-1234", nil)
	if err != nil {
		// TODO: handle error
	}
	fmt.Println(resp.Message)
}

func ExampleSessionsClient_NewListPager() {
	pager := client.NewSessionsClient().NewListPager(nil)
	for pager.More() {
		page, err := pager.NextPage(context.TODO())
		if err != nil {
			// TODO: handle error
		}
		for _, session := range page.Value {
			fmt.Println(*session.Identifier, *session.ExpiresAt)
		}
	}
}

func ExampleSessionsClient_GetPoolMetadata() {
	resp, err := client.NewSessionsClient().GetPoolMetadata(context.TODO(), nil)
	if err != nil {
		// TODO: handle error
	}
	for _, rt := range resp.Runtimes {
		fmt.Println(*rt.Name, *rt.Version)
	}
}

func ExampleContainerClient_Send() {
	resp, err := client.NewContainerClient().Send(context.TODO(), "user-1234", http.MethodPost, "/api/run",
		strings.NewReader(`{"input":"hello"}`),
		&azsessions.ContainerClientSendOptions{Header: map[string][]string{"Content-Type": {"application/json"}}})
	if err != nil {
		// TODO: handle error
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// The container's status codes are its own; make an error if you want one.
		err := runtime.NewResponseError(resp.Response)
		fmt.Println(err)
		return
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		// TODO: handle error
	}
	fmt.Println(string(body))
}

func ExampleContainerClient_GetSession() {
	resp, err := client.NewContainerClient().GetSession(context.TODO(), "user-1234", nil)
	if azsessions.HasCode(err, azsessions.ErrorCodeSessionWithIdentifierNotFound) {
		fmt.Println("no such session")
		return
	}
	if err != nil {
		// TODO: handle error
	}
	fmt.Println(*resp.Identifier, "expires at", *resp.ExpiresAt)
}

func ExampleContainerClient_NewListSessionsPager() {
	pager := client.NewContainerClient().NewListSessionsPager(nil)
	for pager.More() {
		page, err := pager.NextPage(context.TODO())
		if err != nil {
			// TODO: handle error
		}
		for _, s := range page.Value {
			fmt.Println(*s.Identifier)
		}
	}
}

func ExampleHasCode() {
	_, err := client.NewSessionsClient().Stop(context.TODO(), "user-1234", nil)
	if azsessions.HasCode(err, azsessions.ErrorCodeSessionWithIdentifierNotFound) {
		fmt.Println("no such session")
		return
	}
	var respErr *azcore.ResponseError
	if errors.As(err, &respErr) {
		fmt.Println(respErr.StatusCode, respErr.ErrorCode)
	}
}

func ExampleNewCodeRequest() {
	request := azsessions.NewCodeRequest("import pandas as pd\ndf = pd.read_csv('/mnt/data/input/data.csv')\ndf.describe()")
	request.TimeoutInSeconds = to.Ptr[int32](60)
	request.OutputStreamsMaxLength = to.Ptr[int32](16384)
	resp, err := client.NewExecutionClient().Execute(context.TODO(), "user-1234", request, nil)
	if err != nil {
		// TODO: handle error
	}
	// Text is the value of the last expression, here the describe() table.
	fmt.Println(resp.Result.Text())
}

func ExampleNewShellRequest() {
	request := azsessions.NewShellRequest("ls -l /mnt/data | wc -l")
	resp, err := client.NewExecutionClient().Execute(context.TODO(), "user-1234", request, nil)
	if err != nil {
		// TODO: handle error
	}
	if resp.Failure() == azsessions.ExecutionFailureExitCode {
		fmt.Println("exit code", *resp.ExitCode)
	}
	fmt.Print(*resp.Result.Stdout)
}

func ExampleNewExecRequest() {
	request := azsessions.NewExecRequest("python3", "-c", "import sys; print(sys.stdin.read().upper())")
	request.Stdin = to.Ptr("hello")
	resp, err := client.NewExecutionClient().Execute(context.TODO(), "user-1234", request, nil)
	if err != nil {
		// TODO: handle error
	}
	fmt.Print(*resp.Result.Stdout)
}
