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

// checkExecutionID refuses execution ids that would name another resource
// once a server or proxy normalises the URL path.
func checkExecutionID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: executionID is empty", ErrInvalidArgument)
	case id == "." || id == "..":
		return fmt.Errorf("%w: %q is not an execution id", ErrInvalidArgument, id)
	case !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: executionID %q holds a control character or invalid UTF-8", ErrInvalidArgument, id)
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
