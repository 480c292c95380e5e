package runtime

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
)

// The driver protocol: each message is a 4-byte big-endian length followed
// by that many bytes of JSON. Requests go to the driver on its fd 3, replies
// come back on its fd 4 (the driver moves both to random high numbers, out
// of the way of user code); stdout and stderr stay free for the user's
// code. Every request carries the next sequence number and its reply
// repeats it: a reply with any other number, or one nobody asked for, is
// stray or forged, and the interpreter is not trusted any further.

// maxFrame bounds a reply, so a corrupt length cannot make the emulator
// allocate without limit. Replies carry reprs and PNGs, not streams.
const maxFrame = 256 << 20

// initRequest is the first message of every interpreter.
type initRequest struct {
	Op       string `json:"op"` // "init"
	Seq      uint64 `json:"seq"`
	Marker   string `json:"marker"`
	MemLimit int64  `json:"mem_limit,omitempty"`
	// Kernel is KernelPlain or KernelIPython to insist on one; empty runs
	// IPython when the interpreter can import it.
	Kernel string `json:"kernel,omitempty"`
}

// bindRequest points a (possibly pre-started) interpreter at a session dir.
type bindRequest struct {
	Op  string `json:"op"` // "bind"
	Seq uint64 `json:"seq"`
	Dir string `json:"dir"`
}

// execRequest runs one cell.
type execRequest struct {
	Op    string `json:"op"` // "exec"
	Seq   uint64 `json:"seq"`
	Code  string `json:"code"`
	Empty bool   `json:"empty,omitempty"`
}

// okReply answers init and bind.
type okReply struct {
	Seq   uint64 `json:"seq"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// Kernel, in the answer to init, is the kernel that runs the cells:
	// KernelIPython or "python" (the plain driver).
	Kernel string `json:"kernel,omitempty"`
}

// execReply answers exec.
type execReply struct {
	Seq uint64 `json:"seq"`
	// Status is "ok", "error" (traceback written to stderr) or "memory".
	Status     string `json:"status"`
	DurationNs int64  `json:"duration_ns"`
	Value      *struct {
		IsNone bool    `json:"is_none"`
		Repr   string  `json:"repr"`
		Native *string `json:"native"`
		Image  *struct {
			Format string `json:"format"`
			Data   string `json:"data"`
		} `json:"image"`
	} `json:"value"`
	// StdoutMarked and StderrMarked report whether the end-of-output
	// marker could be written; when not (the code closed fd 1 or 2), Go
	// stops waiting for it.
	StdoutMarked bool `json:"stdout_marked"`
	StderrMarked bool `json:"stderr_marked"`
}

func writeFrame(w io.Writer, msg any) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	frame := make([]byte, 4, 4+len(body))
	binary.BigEndian.PutUint32(frame, uint32(len(body)))
	_, err = w.Write(append(frame, body...))
	return err
}

func readFrame(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if n > maxFrame {
		return nil, fmt.Errorf("runtime: driver frame of %d bytes exceeds %d", n, maxFrame)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	return body, nil
}
