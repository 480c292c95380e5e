package azsessions

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// checkIdentifier refuses identifiers no pool accepts before sending them.
func checkIdentifier(identifier string) error {
	switch {
	case identifier == "":
		return fmt.Errorf("%w: identifier is empty", ErrInvalidIdentifier)
	case !utf8.ValidString(identifier):
		return fmt.Errorf("%w: identifier is not valid UTF-8", ErrInvalidIdentifier)
	case strings.IndexFunc(identifier, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: identifier holds a control character", ErrInvalidIdentifier)
	}
	return nil
}

// checkFileName refuses names that are not a single path element.
func checkFileName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: file name is empty", ErrInvalidFileName)
	case name == "." || name == "..":
		return fmt.Errorf("%w: %q is not a file name", ErrInvalidFileName, name)
	case strings.ContainsAny(name, `/\`):
		return fmt.Errorf("%w: %q holds a path separator; put the directory in the Path option", ErrInvalidFileName, name)
	case !utf8.ValidString(name):
		return fmt.Errorf("%w: file name is not valid UTF-8", ErrInvalidFileName)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: %q holds a control character", ErrInvalidFileName, name)
	}
	return nil
}

// checkExecutionID refuses execution ids, given as the argument or option
// called field, that would name another resource once a server or proxy
// normalises the URL path, or that net/http refuses in the operation-id
// header (see checkHeaders).
func checkExecutionID(field, id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: %s is empty", ErrInvalidArgument, field)
	case id == "." || id == "..":
		return fmt.Errorf("%w: %s %q is not an execution id", ErrInvalidArgument, field, id)
	case !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: %s %q holds a control character or invalid UTF-8", ErrInvalidArgument, field, id)
	}
	return nil
}

// checkPath refuses directory paths that climb out of /mnt/data.
func checkPath(path *string) error {
	if path == nil {
		return nil
	}
	p := *path
	if !utf8.ValidString(p) || strings.IndexFunc(p, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: %q holds a control character or invalid UTF-8", ErrInvalidPath, p)
	}
	for _, seg := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if seg == ".." {
			return fmt.Errorf("%w: %q has a \"..\" segment", ErrInvalidPath, p)
		}
	}
	return nil
}

// checkHeaders refuses header names that are not HTTP tokens and values
// with control characters (but tab), as net/http would. net/http refuses
// them only in the transport, where azcore's retry policy takes the refusal
// for a network failure and tries again, with back-off, four times.
func checkHeaders(header map[string][]string) error {
	for name, values := range header {
		if !isToken(name) {
			return fmt.Errorf("%w: header name %q is not an HTTP token", ErrInvalidArgument, name)
		}
		for _, v := range values {
			// The value is not quoted in the error: it may be a secret.
			if strings.IndexFunc(v, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) >= 0 {
				return fmt.Errorf("%w: a value of header %q holds a control character", ErrInvalidArgument, name)
			}
		}
	}
	return nil
}

// isToken tells whether s is an HTTP token (RFC 9110, section 5.6.2), the
// syntax of header names and methods.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// checkExecutionRequest refuses a request that runs nothing, and text the
// wire would change: JSON strings carry UTF-8 only, and encoding/json
// replaces other bytes with U+FFFD, so the code, command or stdin run would
// differ from the caller's. Values are not quoted: code may be secret.
func checkExecutionRequest(r ExecutionRequest) error {
	if r.Code == nil && r.ShellCommand == nil && len(r.ExecCommandAndArgs) == 0 {
		return fmt.Errorf("%w: the request has no Code, ShellCommand or ExecCommandAndArgs", ErrInvalidArgument)
	}
	for _, f := range [...]struct {
		name string
		v    *string
	}{{"Code", r.Code}, {"ShellCommand", r.ShellCommand}, {"Stdin", r.Stdin}} {
		if f.v != nil && !utf8.ValidString(*f.v) {
			return fmt.Errorf("%w: %s is not valid UTF-8, which JSON cannot carry (encode bytes, e.g. as base64)", ErrInvalidArgument, f.name)
		}
	}
	for i, arg := range r.ExecCommandAndArgs {
		if !utf8.ValidString(arg) {
			return fmt.Errorf("%w: ExecCommandAndArgs[%d] is not valid UTF-8, which JSON cannot carry", ErrInvalidArgument, i)
		}
	}
	return nil
}
