package agenttool

// Result is what a tool call gives back to the model.
type Result struct {
	// Text is the result for the model, in the stable layout described in
	// the package documentation. It never holds image data.
	Text string
	// IsError is true when the model's code failed (raised, timed out, ran
	// out of memory, exited non-zero) or its arguments were wrong. Hosts
	// pass it on (MCP isError, a tool_result's is_error).
	IsError bool
	// Images are the figure the run produced and the image files it created
	// or changed, or the image download_file fetched, within the image
	// budgets, as bytes. The figure is left out when a PNG Matplotlib wrote
	// is among the files, or a JPEG or WebP file from code that calls
	// savefig: the run saved it, and the file is returned.
	Images []Image
	// Files are the files a run created, changed or deleted, or the listing
	// of list_files.
	Files []FileInfo
	// Structured is the result as JSON-marshalable data matching the
	// tool's Definition.OutputSchema (*RunOutput, *FileOutput, ...). It is
	// nil when the call failed before reaching the sandbox.
	Structured any
}

// Image is a picture for the model.
type Image struct {
	// Name is the file's path in the sandbox (/mnt/data/chart.png), or ""
	// for the figure a run returned as its value.
	Name string `json:"name"`
	// MIMEType is image/png, image/jpeg, image/gif or image/webp.
	MIMEType string `json:"mime_type"`
	// Data holds the image file's bytes.
	Data []byte `json:"-"`
}

// File changes reported in FileInfo.Change.
const (
	ChangeCreated = "created"
	ChangeChanged = "changed"
	ChangeDeleted = "deleted"
)

// FileInfo describes a file in the sandbox.
type FileInfo struct {
	// Path is the file's absolute path in the sandbox, under /mnt/data.
	Path string `json:"path"`
	// Size is the file's size in bytes (0 for a directory).
	Size int64 `json:"size"`
	// Change is "created", "changed" or "deleted" for the files of a run,
	// "" in a listing.
	Change string `json:"change"`
	// IsDir is true for a directory.
	IsDir bool `json:"is_dir"`
}

// ImageInfo describes an image of a result, without its bytes.
type ImageInfo struct {
	// Name is as in Image.Name.
	Name string `json:"name"`
	// MIMEType is the image's media type.
	MIMEType string `json:"mime_type"`
	// Size is the image's size in bytes.
	Size int64 `json:"size"`
}

// RunOutput is the Structured result of run_python and run_shell.
type RunOutput struct {
	// Status is "succeeded" or "failed".
	Status string `json:"status"`
	// Failure says why a run failed: "error", "exit_code", "timeout",
	// "memory", "kernel_restarted" or "canceled"; "" when it succeeded.
	Failure string `json:"failure"`
	// ExitCode is the exit code of a shell command, when the pool sent one.
	ExitCode *int `json:"exit_code"`
	// Stdout is the run's standard output, within the output budget.
	Stdout string `json:"stdout"`
	// Stderr is its standard error (the traceback of a failed run).
	Stderr string `json:"stderr"`
	// Value is the value of the last expression, as text.
	Value string `json:"value"`
	// Notes are the plain sentences of the layout's note lines (output cut,
	// images left out, ...).
	Notes []string `json:"notes"`
	// Files are the files the run created, changed or deleted.
	Files []FileInfo `json:"files"`
	// Images describe the images returned with the result.
	Images []ImageInfo `json:"images"`
}

// FileOutput is the Structured result of upload_file, download_file and
// delete_file.
type FileOutput struct {
	// Path is the file's absolute path in the sandbox.
	Path string `json:"path"`
	// Size is its size in bytes (before deletion, for delete_file: 0).
	Size int64 `json:"size"`
	// Kind is, for download_file, "text", "image" or "binary"; "" otherwise.
	Kind string `json:"kind"`
	// MIMEType is the file's media type as detected, for download_file.
	MIMEType string `json:"mime_type"`
	// Content is the text of a text file, or the base64 of a small binary
	// file; "" otherwise (images travel in Result.Images).
	Content string `json:"content"`
	// Encoding is "text" or "base64" when Content is set, "" otherwise.
	Encoding string `json:"encoding"`
	// Truncated is true when Content holds only the start of the file.
	Truncated bool `json:"truncated"`
}

// ListOutput is the Structured result of list_files.
type ListOutput struct {
	// Path is the directory listed.
	Path string `json:"path"`
	// Files are its entries (the whole tree when recursive).
	Files []FileInfo `json:"files"`
	// Truncated is true when there were more entries than a result lists.
	Truncated bool `json:"truncated"`
}

// ResetOutput is the Structured result of reset_session.
type ResetOutput struct {
	// Reset is true once the sandbox was deleted.
	Reset bool `json:"reset"`
}

// PoolInfoOutput is the Structured result of pool_info.
type PoolInfoOutput struct {
	// PoolType is "python" or "shell": the type the pool's metadata
	// describes, or Options.PoolType when it does not tell.
	PoolType string `json:"pool_type"`
	// Runtimes are the language runtimes and their versions.
	Runtimes []Package `json:"runtimes"`
	// Kernel names the interpreter that runs code, when the pool says.
	Kernel string `json:"kernel"`
	// Packages are the packages installed in the pool's image.
	Packages []Package `json:"packages"`
}

// Package is a runtime or package and its version.
type Package struct {
	// Name is the runtime's or package's name.
	Name string `json:"name"`
	// Version is its version, "" when the pool did not say.
	Version string `json:"version"`
}
