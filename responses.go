package azsessions

import (
	"io"
	"net/http"
	"time"
)

// ExecutionClientExecuteResponse is the result of ExecutionClient.Execute and of a finished
// BeginExecute poller.
type ExecutionClientExecuteResponse struct {
	// Execution holds the execution's status and result.
	Execution
	// Metrics holds the timing headers of the response.
	Metrics Metrics
	// OperationID is the operation-id the service answered with.
	OperationID *string
}

// ExecutionClientGetResponse is the result of ExecutionClient.Get.
type ExecutionClientGetResponse struct {
	// Execution holds the execution's status and, once finished, result.
	Execution
	// Metrics holds the timing headers of the response.
	Metrics Metrics
	// OperationID is the operation-id the service answered with.
	OperationID *string
}

// FilesClientUploadResponse is the result of FilesClient.Upload.
type FilesClientUploadResponse struct {
	// File describes the uploaded file.
	File
}

// FilesClientListResponse is one page from FilesClient.NewListPager.
type FilesClientListResponse struct {
	// FileList holds the page.
	FileList
}

// FilesClientGetResponse is the result of FilesClient.Get.
type FilesClientGetResponse struct {
	// File describes the file.
	File
}

// FilesClientDownloadResponse is the result of FilesClient.Download. The caller
// must close Body.
type FilesClientDownloadResponse struct {
	// Body streams the file's bytes exactly as stored.
	Body io.ReadCloser
	// ContentLength is the file's size, when the service sent it.
	ContentLength *int64
	// ContentType is the file's media type, when the service sent it.
	ContentType *string
	// LastModified is when the file last changed, when the service sent it.
	LastModified *time.Time
}

// FilesClientDeleteResponse is the result of FilesClient.Delete.
type FilesClientDeleteResponse struct {
	// placeholder for future response values
}

// SessionsClientGetResponse is the result of SessionsClient.Get.
type SessionsClientGetResponse struct {
	// Session describes the session.
	Session
}

// SessionsClientDeleteResponse is the result of SessionsClient.Delete.
type SessionsClientDeleteResponse struct {
	// placeholder for future response values
}

// SessionsClientStopResponse is the result of SessionsClient.Stop.
type SessionsClientStopResponse struct {
	// Message is the service's confirmation text.
	Message string
}

// SessionsClientListResponse is one page from SessionsClient.NewListPager.
type SessionsClientListResponse struct {
	// SessionList holds the page.
	SessionList
}

// SessionsClientGetPoolMetadataResponse is the result of SessionsClient.GetPoolMetadata.
type SessionsClientGetPoolMetadataResponse struct {
	// PoolMetadata describes the pool.
	PoolMetadata
}

// ContainerClientSendResponse is the result of ContainerClient.Send. The caller must close
// Response.Body.
type ContainerClientSendResponse struct {
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
