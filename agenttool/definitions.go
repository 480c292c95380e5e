package agenttool

import (
	"fmt"
	"slices"
)

// Definition describes one tool for a model's API: its name, what it does
// and the JSON Schema of its arguments and of its structured result.
type Definition struct {
	// Name is the tool's name (^[a-zA-Z0-9_-]{1,64}$).
	Name string
	// Description is written for a model: what the tool does, its limits,
	// that files live in /mnt/data and that state persists.
	Description string
	// InputSchema is the JSON Schema of the arguments. It suits OpenAI's
	// strict mode and Anthropic: type object, every property listed in
	// "required", optional ones typed [T, "null"], additionalProperties
	// false. Each call returns a fresh copy to change freely.
	InputSchema map[string]any
	// OutputSchema is the JSON Schema of Result.Structured for this tool.
	OutputSchema map[string]any
	// ReadOnly is true when the tool does not change the sandbox.
	ReadOnly bool
	// Destructive is true when the tool may delete data: replace a file,
	// or run code that may delete files. MCP's destructiveHint, whose
	// false promises additive updates only.
	Destructive bool
}

// Definitions returns the definitions of the tools offered to the model, in
// a stable order: the run tool first, then the file tools, reset_session
// and pool_info.
func (t *Toolkit) Definitions() []Definition {
	out := make([]Definition, len(t.defs))
	for i, d := range t.defs {
		d.InputSchema = cloneSchema(d.InputSchema)
		d.OutputSchema = cloneSchema(d.OutputSchema)
		out[i] = d
	}
	return out
}

// definitions returns the definitions of the tools set enables, in the
// order of allTools.
func definitions(set settings) []Definition {
	all := toolTable(set)
	out := make([]Definition, 0, len(set.tools))
	for _, name := range allTools {
		if slices.Contains(set.tools, name) {
			out = append(out, all[name])
		}
	}
	return out
}

// runSentences are the sentences both run tools' descriptions hold: where
// files live and what the result says of them, and the run's limits.
func runSentences(set settings) (files, limits string) {
	limits = fmt.Sprintf("A run may take %d seconds by default (timeout_seconds up to %d). stdout and stderr are each cut to %d characters (the first and last halves are kept), so print summaries, not whole tables.",
		int(set.timeout.Seconds()), int(set.maxTimeout.Seconds()), set.outputBudget)
	files = "Files live in /mnt/data: uploaded files are there, and files saved there can be downloaded."
	switch {
	case !set.detectFiles:
		files += " Call list_files to see the files a run made."
	case set.maxImages > 0:
		files += " After each run the result lists the files it created or changed; images saved there (PNG, JPEG, GIF, WebP) and figures are shown to you."
	default:
		files += " After each run the result lists the files it created or changed."
	}
	return files, limits
}

// toolTable is the definition of every tool under set, by name: data, with
// the limits of set in the descriptions.
func toolTable(set settings) map[string]Definition {
	files, limits := runSentences(set)
	timeoutProp := map[string]any{
		"type":        []any{"integer", "null"},
		"description": fmt.Sprintf("Seconds the run may take, 1 to %d; null for %d.", int(set.maxTimeout.Seconds()), int(set.timeout.Seconds())),
	}
	return map[string]Definition{
		ToolRunPython: {
			Name: ToolRunPython,
			Description: "Run Python code in a sandboxed session that belongs to this conversation, like a notebook cell. " +
				"Variables, imports and files persist between calls until reset_session. The value of the last expression is returned. " +
				files + " " + limits + " Send plain code, not Markdown. The sandbox may have no network access; check pool_info for installed packages.",
			InputSchema: object(map[string]any{
				"code":            map[string]any{"type": "string", "description": "The Python code to run."},
				"timeout_seconds": timeoutProp,
			}, "code", "timeout_seconds"),
			OutputSchema: runOutputSchema(),
			Destructive:  true, // code may delete files, or lose the state in a crash
		},
		ToolRunShell: {
			Name: ToolRunShell,
			Description: "Run a shell command line in a sandboxed session that belongs to this conversation. " +
				"Files in /mnt/data persist between calls until reset_session; each command starts a new shell, so shell variables do not. " +
				files + " " + limits + " A command that exits with a non-zero code is reported as failed.",
			InputSchema: object(map[string]any{
				"command":         map[string]any{"type": "string", "description": "The command line, run by the shell."},
				"stdin":           map[string]any{"type": []any{"string", "null"}, "description": "Text for the command's standard input, or null for none."},
				"timeout_seconds": timeoutProp,
			}, "command", "stdin", "timeout_seconds"),
			OutputSchema: runOutputSchema(),
			Destructive:  true, // a command may delete files
		},
		ToolUploadFile: {
			Name: ToolUploadFile,
			Description: fmt.Sprintf("Write a file into the sandbox's /mnt/data, where code can read it. Replaces a file of the same name; directories are made as needed. "+
				"Content is text, or base64 for binary data; at most %d bytes once decoded.", set.maxUpload),
			InputSchema: object(map[string]any{
				"path":     map[string]any{"type": "string", "description": "Where to write, relative to /mnt/data or absolute under it, e.g. data.csv or /mnt/data/in/data.csv."},
				"content":  map[string]any{"type": "string", "description": "The file's content, encoded as encoding says."},
				"encoding": map[string]any{"type": "string", "enum": []any{"text", "base64"}, "description": "text for UTF-8 text, base64 for binary data."},
			}, "path", "content", "encoding"),
			OutputSchema: fileOutputSchema(),
			Destructive:  true, // it replaces a file of the same name
		},
		ToolDownloadFile: {
			Name: ToolDownloadFile,
			Description: fmt.Sprintf("Read a file from the sandbox's /mnt/data. An image comes back as an image; text as text, up to %d bytes; other binary data as a description (base64 when at most %d bytes).",
				set.maxDownload, set.maxBase64),
			InputSchema: object(map[string]any{
				"path": map[string]any{"type": "string", "description": "The file, relative to /mnt/data or absolute under it."},
			}, "path"),
			OutputSchema: fileOutputSchema(),
			ReadOnly:     true,
		},
		ToolListFiles: {
			Name:        ToolListFiles,
			Description: "List the files in the sandbox's /mnt/data (or a directory under it), with their sizes.",
			InputSchema: object(map[string]any{
				"path":      map[string]any{"type": []any{"string", "null"}, "description": "A directory relative to /mnt/data or absolute under it; null for /mnt/data."},
				"recursive": map[string]any{"type": []any{"boolean", "null"}, "description": "true to list the whole tree below the directory; null or false for its entries only."},
			}, "path", "recursive"),
			OutputSchema: object(map[string]any{
				"path":      map[string]any{"type": "string"},
				"files":     map[string]any{"type": "array", "items": fileInfoSchema()},
				"truncated": map[string]any{"type": "boolean"},
			}, "path", "files", "truncated"),
			ReadOnly: true,
		},
		ToolDeleteFile: {
			Name:        ToolDeleteFile,
			Description: "Delete a file (or a directory and everything in it) from the sandbox's /mnt/data.",
			InputSchema: object(map[string]any{
				"path": map[string]any{"type": "string", "description": "The file, relative to /mnt/data or absolute under it."},
			}, "path"),
			OutputSchema: fileOutputSchema(),
			Destructive:  true,
		},
		ToolResetSession: {
			Name:        ToolResetSession,
			Description: "Delete this conversation's sandbox: variables, imports and every file in /mnt/data are lost. The next call starts in a fresh sandbox. Use it only to start over.",
			InputSchema: object(map[string]any{}),
			OutputSchema: object(map[string]any{
				"reset": map[string]any{"type": "boolean"},
			}, "reset"),
			Destructive: true,
		},
		ToolPoolInfo: {
			Name:        ToolPoolInfo,
			Description: "Describe the sandbox: the language runtime and its version, and the preinstalled packages. Call it to check whether a package such as pandas is available before using it.",
			InputSchema: object(map[string]any{}),
			OutputSchema: object(map[string]any{
				"pool_type": map[string]any{"type": "string", "enum": []any{string(PoolTypePython), string(PoolTypeShell)}},
				"runtimes":  map[string]any{"type": "array", "items": packageSchema()},
				"kernel":    map[string]any{"type": "string"},
				"packages":  map[string]any{"type": "array", "items": packageSchema()},
			}, "pool_type", "runtimes", "kernel", "packages"),
			ReadOnly: true,
		},
	}
}

// object is a strict JSON Schema object with the given properties, all
// required.
func object(props map[string]any, required ...string) map[string]any {
	req := make([]any, 0, len(required))
	for _, r := range required {
		req = append(req, r)
	}
	return map[string]any{"type": "object", "properties": props, "required": req, "additionalProperties": false}
}

func fileInfoSchema() map[string]any {
	return object(map[string]any{
		"path":   map[string]any{"type": "string", "description": "Absolute path under /mnt/data."},
		"size":   map[string]any{"type": "integer"},
		"change": map[string]any{"type": "string", "enum": []any{"", ChangeCreated, ChangeChanged, ChangeDeleted}},
		"is_dir": map[string]any{"type": "boolean"},
	}, "path", "size", "change", "is_dir")
}

func packageSchema() map[string]any {
	return object(map[string]any{
		"name":    map[string]any{"type": "string"},
		"version": map[string]any{"type": "string"},
	}, "name", "version")
}

func runOutputSchema() map[string]any {
	return object(map[string]any{
		"status":    map[string]any{"type": "string", "enum": []any{"succeeded", "failed"}},
		"failure":   map[string]any{"type": "string", "enum": []any{"", "error", "exit_code", "timeout", "memory", "kernel_restarted", "canceled"}},
		"exit_code": map[string]any{"type": []any{"integer", "null"}},
		"stdout":    map[string]any{"type": "string"},
		"stderr":    map[string]any{"type": "string"},
		"value":     map[string]any{"type": "string"},
		"notes":     map[string]any{"type": "array", "items": map[string]any{"type": "string"}},
		"files":     map[string]any{"type": "array", "items": fileInfoSchema()},
		"images": map[string]any{"type": "array", "items": object(map[string]any{
			"name":      map[string]any{"type": "string"},
			"mime_type": map[string]any{"type": "string"},
			"size":      map[string]any{"type": "integer"},
		}, "name", "mime_type", "size")},
	}, "status", "failure", "exit_code", "stdout", "stderr", "value", "notes", "files", "images")
}

func fileOutputSchema() map[string]any {
	return object(map[string]any{
		"path":      map[string]any{"type": "string"},
		"size":      map[string]any{"type": "integer"},
		"kind":      map[string]any{"type": "string", "enum": []any{"", "text", "image", "binary"}},
		"mime_type": map[string]any{"type": "string"},
		"content":   map[string]any{"type": "string"},
		"encoding":  map[string]any{"type": "string", "enum": []any{"", "text", "base64"}},
		"truncated": map[string]any{"type": "boolean"},
	}, "path", "size", "kind", "mime_type", "content", "encoding", "truncated")
}

// cloneSchema deep-copies a schema made of maps, slices and scalars.
func cloneSchema(v map[string]any) map[string]any {
	out := make(map[string]any, len(v))
	for k, x := range v {
		out[k] = cloneValue(x)
	}
	return out
}

func cloneValue(x any) any {
	switch x := x.(type) {
	case map[string]any:
		return cloneSchema(x)
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = cloneValue(e)
		}
		return c
	}
	return x
}
