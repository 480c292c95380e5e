// Package azsessions is a client for the data plane of Azure Container Apps
// dynamic sessions: it runs code in disposable, isolated sandboxes (the
// sessions of a session pool) and manages the files in each session's
// /mnt/data.
//
// # Getting a client
//
// NewClient takes the pool's management endpoint and an Entra ID credential
// (for example azidentity.NewDefaultAzureCredential); the caller needs the
// "Azure ContainerApps Session Executor" role on the pool. Its accessors
// return the sub-clients, which share one azcore pipeline and are safe for
// concurrent use:
//
//   - ExecutionClient runs code: Execute, BeginExecute, Get.
//   - FilesClient manages files: Upload, NewListPager, Get, Download, Delete.
//   - SessionsClient inspects and ends sessions: Get, Delete, Stop,
//     NewListPager, and reads the pool's metadata: GetPoolMetadata.
//   - ContainerClient sends any request to a custom-container session.
//
// Every call names its session by an identifier the caller chooses; a new
// identifier allocates a session on the fly.
//
// # Results and errors
//
// Code that raises, times out or exhausts memory is not a Go error: the call
// succeeded, and Execution.Succeeded and Execution.Failure say what happened.
// HTTP failures are *azcore.ResponseError (use HasCode or StatusCode); bad
// arguments are refused before sending with errors that wrap ErrInvalid*
// sentinels, tested with errors.Is.
//
// # Retries
//
// Executions are never retried in a way that could run the code twice: each
// call sends one operation-id for all its tries, and only 429 and 503 answers
// and failed dials (nothing was sent) are retried. Other operations keep
// azcore's retry policy.
//
// # Testing
//
// Package fake provides an azure-sdk-for-go style fake server for unit tests,
// and package emulator runs a local pool that really executes code.
//
// # Contributing: names
//
// The package has several clients, so it follows the azure-sdk-for-go rule
// for such packages. A method is named by its verb alone when it acts on the
// resource its client is named after (SessionsClient.Get, FilesClient.Upload,
// ExecutionClient.Get), and by verb and noun when it acts on another one
// (ContainerClient.GetSession, SessionsClient.GetPoolMetadata). The optional
// parameters of a method are <Client><Method>Options and its result is
// <Client><Method>Response, with the client's full type name: for example
// SessionsClientGetOptions, FilesClientUploadResponse,
// ExecutionClientExecuteOptions. A pager NewListXxxPager takes
// <Client>ListXxxOptions and yields <Client>ListXxxResponse pages
// (FilesClientListOptions, ContainerClientListSessionsResponse); BeginXxx
// takes <Client>BeginXxxOptions and its poller yields <Client>XxxResponse.
// Every method has its Options type, even when empty, and the operation
// name given to tracing and the fake is "<Client>.<Method>".
package azsessions
