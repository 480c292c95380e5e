//go:build !unix

package main

// closeInheritedOnExec has nothing to do where descriptors are not
// inherited across exec the Unix way.
func closeInheritedOnExec() {}
