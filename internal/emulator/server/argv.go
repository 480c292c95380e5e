package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// maxExecArgs bounds execCommandAndArgs. exec(2) takes about 2 MiB of
// arguments and environment on Linux, so no command that can start has
// more than this many.
const maxExecArgs = 1 << 16

// argvJSON is execCommandAndArgs, decoded one string at a time so that no
// more than maxExecArgs are built: decoded whole, a 64 MiB body of empty
// strings would make the emulator build some 22 million of them (half a
// GiB of memory) for a command that cannot start.
type argvJSON []string

// UnmarshalJSON decodes a JSON array of strings.
func (a *argvJSON) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return errors.New("execCommandAndArgs must be an array of strings")
	}
	out := argvJSON{}
	for dec.More() {
		if len(out) == maxExecArgs {
			return fmt.Errorf("execCommandAndArgs holds more than %d arguments", maxExecArgs)
		}
		var s string
		if err := dec.Decode(&s); err != nil {
			return errors.New("execCommandAndArgs must be an array of strings")
		}
		out = append(out, s)
	}
	*a = out
	return nil
}
