//go:build !linux

package server

import "os"

// preallocate does nothing outside Linux: the upload is written as it
// comes. See prealloc_linux.go.
func preallocate(*os.File, int64) bool { return false }
