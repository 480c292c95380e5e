package server

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/seed-f3fa2c9d/azsessions/internal/emulator/runtime"
)

// The legacy contract (2024-02-02-preview, 2024-08-02-preview) that the
// Python and JavaScript tools of other frameworks still speak: properties
// envelopes and JSON.NET "$id" reference numbers (docs/emulator.md, Legacy routes).

type legacyExecRequest struct {
	Properties *struct {
		CodeInputType    string  `json:"codeInputType"`
		ExecutionType    string  `json:"executionType"`
		Code             *string `json:"code"`
		TimeoutInSeconds *int64  `json:"timeoutInSeconds"`
	} `json:"properties"`
}

type legacyExecResponse struct {
	ID         string               `json:"$id"`
	Properties legacyExecProperties `json:"properties"`
}

type legacyExecProperties struct {
	ID     string `json:"$id"`
	Status string `json:"status"`
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	// Result and ExecutionResult carry the same value: hosted Python runs
	// were seen with "result", other samples with "executionResult".
	Result                      json.RawMessage `json:"result"`
	ExecutionResult             json.RawMessage `json:"executionResult"`
	ExecutionTimeInMilliseconds int64           `json:"executionTimeInMilliseconds"`
}

// legacyExecute serves POST /code/execute. It always runs synchronously:
// the legacy contract has no way to poll.
func (c *call) legacyExecute() error {
	if err := c.refuseShellPool(); err != nil {
		return err
	}
	var in legacyExecRequest
	if err := readJSON(c, &in); err != nil {
		return err
	}
	p := in.Properties
	if p == nil || p.Code == nil || *p.Code == "" {
		return newError(http.StatusBadRequest, CodePropertiesMissing, "properties.code is required but not provided")
	}
	return c.runLegacy(p.CodeInputType, p.ExecutionType, *p.Code, p.TimeoutInSeconds, func(e *execution) any { return legacyExecResult(e) })
}

// refuseShellPool answers the legacy routes on a shell pool, in the
// service's own words.
func (c *call) refuseShellPool() error {
	if c.s.cfg.PoolType == PoolTypeShell {
		return newError(http.StatusBadRequest, CodeRequestNotSupported, "Shell execution is not supported in API version %s", c.version)
	}
	return nil
}

// runLegacy runs code synchronously for the legacy routes and writes
// render's answer with the operation id and timing headers.
func (c *call) runLegacy(inputType, execType, code string, timeoutSecs *int64, render func(*execution) any) error {
	if _, err := executionType(execType); err != nil {
		return err
	}
	code, err := decodeCode(inputType, code)
	if err != nil {
		return err
	}
	timeout, err := c.s.timeout(timeoutSecs)
	if err != nil {
		return err
	}
	x := &execution{
		execType: execSynchronous,
		req:      runtime.Request{Code: code, Timeout: timeout, MaxOutput: DefaultOutputStreamsMaxLength},
	}
	return c.submitExecution(x, func(e *execution, setTiming func()) error {
		if !c.await(e) {
			return nil
		}
		c.w.Header().Set(HeaderOperationID, e.id)
		setTiming()
		writeJSON(c.w, http.StatusOK, render(e))
		return nil
	})
}

// legacyExecResult renders a finished execution in the legacy envelope.
func legacyExecResult(e *execution) legacyExecResponse {
	out := legacyExecResponse{ID: "1", Properties: legacyExecProperties{
		ID: "2", Status: "Success", Stdout: e.res.Stdout, Stderr: e.res.Stderr,
		ExecutionTimeInMilliseconds: e.res.Duration.Milliseconds(),
	}}
	if e.status == statusSucceeded {
		out.Properties.Result = legacyResult(e.res.Value)
	} else {
		out.Properties.Status = "Failure"
		out.Properties.Result = json.RawMessage("null")
	}
	out.Properties.ExecutionResult = out.Properties.Result
	return out
}

type legacyFileList struct {
	ID    string            `json:"$id"`
	Value []legacyFileEntry `json:"value"`
}

type legacyFileEntry struct {
	ID         string          `json:"$id"`
	Properties legacyFileProps `json:"properties"`
}

type legacyFileProps struct {
	ID               string `json:"$id"`
	Filename         string `json:"filename"`
	Size             int64  `json:"size"`
	LastModifiedTime string `json:"lastModifiedTime"`
}

// legacyFiles renders files with "$id" numbers counting up through the
// document, as JSON.NET numbers its references.
func legacyFiles(files []fileEntry) legacyFileList {
	out := legacyFileList{ID: "1", Value: make([]legacyFileEntry, 0, len(files))}
	n := 1
	next := func() string { n++; return strconv.Itoa(n) }
	for _, f := range files {
		e := legacyFileEntry{ID: next()}
		e.Properties = legacyFileProps{
			ID: next(), Filename: displayName(f.info.Name()), Size: f.info.Size(),
			LastModifiedTime: f.info.ModTime().UTC().Format(time.RFC3339Nano),
		}
		out.Value = append(out.Value, e)
	}
	return out
}

// legacyUpload serves POST /files/upload; every "file" part is stored.
func (c *call) legacyUpload() error {
	dir, err := cleanDir(c.query.Get(queryPath))
	if err != nil {
		return err
	}
	boundary, err := c.formBoundary(true)
	if err != nil {
		return err
	}
	return c.withDataSession(func(sess *session) error {
		files, err := c.receiveFiles(sess, dir, boundary, true)
		if err != nil {
			return err
		}
		writeJSON(c.w, http.StatusOK, legacyFiles(files))
		return nil
	})
}

// legacyListFiles serves GET /files (legacy): the files, not directories,
// directly in /mnt/data (or path).
func (c *call) legacyListFiles() error {
	dir, err := cleanDir(c.query.Get(queryPath))
	if err != nil {
		return err
	}
	return c.withDataSession(func(sess *session) error {
		entries, _, err := sess.listEntries(dir, listing{})
		if err != nil {
			return err
		}
		writeJSON(c.w, http.StatusOK, legacyFiles(entries))
		return nil
	})
}
