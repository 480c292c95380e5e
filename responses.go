package azsessions

import (
	"io"
	"net/http"
	"time"
)

// ExecuteResponse is the result of ExecutionClient.Execute and of a finished
// BeginExecute poller.
type ExecuteResponse struct {
	// Execution holds the execution's status and result.
	Execution
	// Metrics holds the timing headers of the response.
	Metrics Metrics
	// OperationID is the operation-id the service answered with.
	OperationID *string
}

// GetExecutionResponse is the result of ExecutionClient.GetExecution.
type GetExecutionResponse struct {
	// Execution holds the execution's status and, once finished, result.
	Execution
	// Metrics holds the timing headers of the response.
	Metrics Metrics
	// OperationID is the operation-id the service answered with.
	OperationID *string
}

// UploadFileResponse is the result of FilesClient.Upload.
type UploadFileResponse struct {
	// File describes the uploaded file.
	File
}

// ListFilesResponse is one page from FilesClient.NewListPager.
type ListFilesResponse struct {
	// FileList holds the page.
	FileList
}

// GetFileResponse is the result of FilesClient.Get.
type GetFileResponse struct {
	// File describes the file.
	File
}

// DownloadFileResponse is the result of FilesClient.Download. The caller
// must close Body.
type DownloadFileResponse struct {
	// Body streams the file's bytes exactly as stored.
	Body io.ReadCloser
	// ContentLength is the file's size, when the service sent it.
	ContentLength *int64
	// ContentType is the file's media type, when the service sent it.
	ContentType *string
	// LastModified is when the file last changed, when the service sent it.
	LastModified *time.Time
}

// DeleteFileResponse is the result of FilesClient.Delete.
type DeleteFileResponse struct {
	// placeholder for future response values
}

// GetSessionResponse is the result of SessionsClient.Get.
type GetSessionResponse struct {
	// Session describes the session.
	Session
}

// DeleteSessionResponse is the result of SessionsClient.Delete.
type DeleteSessionResponse struct {
	// placeholder for future response values
}

// StopSessionResponse is the result of SessionsClient.Stop.
type StopSessionResponse struct {
	// Message is the service's confirmation text.
	Message string
}

// ListSessionsResponse is one page from SessionsClient.NewListPager.
type ListSessionsResponse struct {
	// SessionList holds the page.
	SessionList
}

// GetPoolMetadataResponse is the result of SessionsClient.GetPoolMetadata.
type GetPoolMetadataResponse struct {
	// PoolMetadata describes the pool.
	PoolMetadata
}

// SendResponse is the result of ContainerClient.Send. The caller must close
// Response.Body.
type SendResponse struct {
	// Response is the container's answer, with its body unread.
	*http.Response
}

// ContainerClientGetSessionResponse is the result of
// ContainerClient.GetSession.
type ContainerClientGetSessionResponse struct {
	// Session describes the session.
	Session
}

// ContainerClientListSessionsResponse is one page from
// ContainerClient.NewListSessionsPager.
type ContainerClientListSessionsResponse struct {
	// SessionList holds the page; Count is the pool's total.
	SessionList
}
