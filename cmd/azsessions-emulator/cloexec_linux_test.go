//go:build linux

package main

import (
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestCloseInheritedOnExec: a descriptor the command inherited without
// close-on-exec does not reach a program it starts afterwards.
func TestCloseInheritedOnExec(t *testing.T) {
	fd, err := syscall.Dup(2) // no close-on-exec, as an inherited one
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	closeInheritedOnExec()
	out, err := exec.Command("sh", "-c", "ls /proc/$$/fd; :").Output()
	if err != nil {
		t.Fatal(err)
	}
	if fds := strings.Fields(string(out)); slices.Contains(fds, strconv.Itoa(fd)) {
		t.Errorf("the child has descriptor %d: %v", fd, fds)
	}
}
