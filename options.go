package azsessions

// ExecuteOptions contains the optional parameters of ExecutionClient.Execute.
type ExecuteOptions struct {
	// OperationID chooses the execution's ID (the operation-id header). When
	// nil the SDK generates one. The same ID is sent on every retry of the
	// call.
	OperationID *string
}

// BeginExecuteOptions contains the optional parameters of
// ExecutionClient.BeginExecute.
type BeginExecuteOptions struct {
	// OperationID chooses the execution's ID, as in ExecuteOptions.
	OperationID *string
	// ResumeToken resumes polling an execution started earlier; the other
	// arguments of BeginExecute are then ignored and nothing is run again.
	ResumeToken string
}

// GetExecutionOptions contains the optional parameters of
// ExecutionClient.GetExecution.
type GetExecutionOptions struct {
	// placeholder for future optional parameters
}

// UploadFileOptions contains the optional parameters of FilesClient.Upload.
type UploadFileOptions struct {
	// Path is the directory, relative to /mnt/data, to upload into. The
	// service creates it when missing.
	Path *string
	// ContentType is the media type of the file part; default
	// application/octet-stream.
	ContentType *string
}

// ListFilesOptions contains the optional parameters of
// FilesClient.NewListPager.
type ListFilesOptions struct {
	// Path is the directory, relative to /mnt/data, to list.
	Path *string
	// Recursive lists the whole tree below Path (2025-10-02-preview and
	// later).
	Recursive *bool
}

// GetFileOptions contains the optional parameters of FilesClient.Get.
type GetFileOptions struct {
	// Path is the directory, relative to /mnt/data, holding the file.
	Path *string
}

// DownloadFileOptions contains the optional parameters of
// FilesClient.Download.
type DownloadFileOptions struct {
	// Path is the directory, relative to /mnt/data, holding the file.
	Path *string
}

// DeleteFileOptions contains the optional parameters of FilesClient.Delete.
type DeleteFileOptions struct {
	// Path is the directory, relative to /mnt/data, holding the file.
	Path *string
}

// GetSessionOptions contains the optional parameters of SessionsClient.Get.
type GetSessionOptions struct {
	// placeholder for future optional parameters
}

// DeleteSessionOptions contains the optional parameters of
// SessionsClient.Delete.
type DeleteSessionOptions struct {
	// placeholder for future optional parameters
}

// StopSessionOptions contains the optional parameters of SessionsClient.Stop.
type StopSessionOptions struct {
	// placeholder for future optional parameters
}

// ListSessionsOptions contains the optional parameters of
// SessionsClient.NewListPager.
type ListSessionsOptions struct {
	// Skip starts the listing after this many sessions.
	Skip *int32
}

// GetPoolMetadataOptions contains the optional parameters of
// SessionsClient.GetPoolMetadata.
type GetPoolMetadataOptions struct {
	// placeholder for future optional parameters
}

// SendOptions contains the optional parameters of ContainerClient.Send.
type SendOptions struct {
	// Header holds request headers to send, for example Content-Type and
	// Accept. Authorization is set by the client and cannot be overridden.
	Header map[string][]string
	// Query holds query parameters to send besides identifier and
	// api-version.
	Query map[string][]string
	// OmitAPIVersion leaves out the api-version query parameter, for
	// containers that reject unknown parameters.
	OmitAPIVersion bool
}

// ContainerClientGetSessionOptions contains the optional parameters of
// ContainerClient.GetSession.
type ContainerClientGetSessionOptions struct {
	// placeholder for future optional parameters
}

// ContainerClientListSessionsOptions contains the optional parameters of
// ContainerClient.NewListSessionsPager.
type ContainerClientListSessionsOptions struct {
	// Skip starts the listing after this many sessions.
	Skip *int32
}
