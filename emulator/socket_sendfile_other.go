//go:build !linux

package emulator

import "io"

// ReadFrom implements io.ReaderFrom (not net.UnixConn's ReadFrom, which
// reads a datagram).
func (c *socketConn) ReadFrom(r io.Reader) (int64, error) {
	return copyInBlocks(c.UnixConn, r)
}
