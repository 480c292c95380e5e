package azsessions

import "time"

// ExecutionClientExecuteOptions contains the optional parameters of ExecutionClient.Execute.
type ExecutionClientExecuteOptions struct {
	// OperationID chooses the execution's ID (the operation-id header). When
	// nil the SDK generates one. The same ID is sent on every retry of the
	// call. An empty ID, or one with control characters, is refused with
	// ErrInvalidArgument.
	OperationID *string
}

// ExecutionClientBeginExecuteOptions contains the optional parameters of
// ExecutionClient.BeginExecute.
type ExecutionClientBeginExecuteOptions struct {
	// OperationID chooses the execution's ID, as in ExecutionClientExecuteOptions.
	OperationID *string
	// ResumeToken resumes polling an execution started earlier; the other
	// arguments of BeginExecute, but for PollFrequency, are then ignored and
	// nothing is run again. A token that is not one Poller.ResumeToken made
	// is refused with an error wrapping ErrInvalidArgument, and one that
	// names another host than the client's endpoint with ErrUntrustedURL.
	ResumeToken string
	// PollFrequency, when above zero, is how long PollUntilDone waits
	// between polls of a running execution, in place of the SDK's schedule
	// (see BeginExecute), rounded up to a whole millisecond. Set it here rather than in
	// runtime.PollUntilDoneOptions.Frequency: azcore does not show that
	// option to the poller, and the schedule takes precedence over it. A
	// Retry-After from the service still wins, up to 60 s (see
	// BeginExecute). It is not part of the resume
	// token: give it again when resuming.
	PollFrequency time.Duration
}

// ExecutionClientGetOptions contains the optional parameters of
// ExecutionClient.Get.
type ExecutionClientGetOptions struct {
	// OutputStreamsMaxLength is the output cap the execution ran with, when
	// it was not the default 4096. Get then flags output cut at that cap
	// (ExecutionResult.StdoutTruncated) and reads an answer as large as
	// the cap allows (see the README's response size limit).
	OutputStreamsMaxLength *int32
}

// FilesClientUploadOptions contains the optional parameters of FilesClient.Upload.
type FilesClientUploadOptions struct {
	// Path is the directory, relative to /mnt/data, to upload into. The
	// service creates it when missing.
	Path *string
	// ContentType is the media type of the file part; default
	// application/octet-stream.
	ContentType *string
}

// FilesClientListOptions contains the optional parameters of
// FilesClient.NewListPager.
type FilesClientListOptions struct {
	// Path is the directory, relative to /mnt/data, to list.
	Path *string
	// Recursive lists the whole tree below Path (2025-10-02-preview and
	// later).
	Recursive *bool
}

// FilesClientGetOptions contains the optional parameters of FilesClient.Get.
type FilesClientGetOptions struct {
	// Path is the directory, relative to /mnt/data, holding the file.
	Path *string
}

// FilesClientDownloadOptions contains the optional parameters of
// FilesClient.Download.
type FilesClientDownloadOptions struct {
	// Path is the directory, relative to /mnt/data, holding the file.
	Path *string
}

// FilesClientDeleteOptions contains the optional parameters of FilesClient.Delete.
type FilesClientDeleteOptions struct {
	// Path is the directory, relative to /mnt/data, holding the file.
	Path *string
}

// SessionsClientGetOptions contains the optional parameters of SessionsClient.Get.
type SessionsClientGetOptions struct {
	// placeholder for future optional parameters
}

// SessionsClientDeleteOptions contains the optional parameters of
// SessionsClient.Delete.
type SessionsClientDeleteOptions struct {
	// placeholder for future optional parameters
}

// SessionsClientStopOptions contains the optional parameters of SessionsClient.Stop.
type SessionsClientStopOptions struct {
	// placeholder for future optional parameters
}

// SessionsClientListOptions contains the optional parameters of
// SessionsClient.NewListPager.
type SessionsClientListOptions struct {
	// Skip starts the listing after this many sessions. A negative Skip is
	// refused with ErrInvalidArgument (from the first NextPage).
	Skip *int32
}

// SessionsClientGetPoolMetadataOptions contains the optional parameters of
// SessionsClient.GetPoolMetadata.
type SessionsClientGetPoolMetadataOptions struct {
	// placeholder for future optional parameters
}

// ContainerClientSendOptions contains the optional parameters of ContainerClient.Send.
type ContainerClientSendOptions struct {
	// Header holds request headers to send, for example Content-Type and
	// Accept. Authorization is set by the client and cannot be overridden.
	// A name that is not an HTTP token, or a value with a control character
	// other than tab, is refused with ErrInvalidArgument.
	Header map[string][]string
	// Query holds query parameters to send besides identifier and
	// api-version, which the client sets: a Query that names either, in
	// any casing, is refused with ErrInvalidArgument, except api-version
	// with OmitAPIVersion (the container's own parameter).
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
	// Skip starts the listing after this many sessions. A negative Skip is
	// refused with ErrInvalidArgument (from the first NextPage).
	Skip *int32
}
