package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// maxExecArgs bounds execCommandAndArgs above the most arguments any
// command can start with, so that no command the service would run is
// refused. Linux's exec(2) bounds their bytes, not their number: at most
// three quarters of 8 MiB (with an unlimited stack; a quarter of the stack
// limit otherwise), each argument costing its length, its NUL and an 8-byte
// pointer, so at most some 700,000 empty strings.
const maxExecArgs = 1 << 20

// argvJSON is execCommandAndArgs, decoded one string at a time so that no
// more than maxExecArgs are built: decoded whole, a 64 MiB body of empty
// strings would make the emulator build some 22 million of them (half a
// GiB of memory) for a command that cannot start. A million of them cost
// 16 MiB.
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
