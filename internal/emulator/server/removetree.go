package server

import (
	"os"
	"path"
)

// Code may leave directories its user cannot write to or read (chmod
// a-w; Go's module cache, which HOME=/mnt/data puts in a shell session's
// area, is read-only). os.RemoveAll then fails, for the emulator's user
// as for code's, unless that user is root; the service's sessions run as
// root. The functions below make such directories the owner's again
// (0700) and try once more, so that deleting a directory or a session,
// and Close, remove everything.

// removeTree removes dir and everything below it.
func removeTree(dir string) error {
	err := os.RemoveAll(dir)
	if err == nil {
		return nil
	}
	root, rerr := os.OpenRoot(dir)
	if rerr != nil {
		return err
	}
	unlockDirs(root, ".")
	_ = root.Close()
	return os.RemoveAll(dir)
}

// removeTreeIn removes name, a directory in root, and everything below it.
func removeTreeIn(root *os.Root, name string) error {
	err := root.RemoveAll(name)
	if err == nil {
		return nil
	}
	unlockDirs(root, name)
	return root.RemoveAll(name)
}

// unlockDirs gives the owner every right on the directory p of root and
// on each directory below it. Links are not followed down (ReadDir's
// types are the links' own), and root keeps every change inside it.
func unlockDirs(root *os.Root, p string) {
	_ = root.Chmod(p, 0o700)
	f, err := root.Open(p)
	if err != nil {
		return
	}
	des, _ := f.ReadDir(-1)
	_ = f.Close()
	for _, d := range des {
		if d.IsDir() {
			unlockDirs(root, path.Join(p, d.Name()))
		}
	}
}
