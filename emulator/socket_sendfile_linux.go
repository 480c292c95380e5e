package emulator

import (
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// sentByFile counts the bytes sendFile moved with sendfile(2), for tests
// to tell that a download took that path and did not fall back.
var sentByFile atomic.Int64

// maxSendfile is the most one sendfile(2) call is asked for (Linux moves
// at most about 2 GiB per call anyway).
const maxSendfile = 1 << 30

// ReadFrom implements io.ReaderFrom (not net.UnixConn's ReadFrom, which
// reads a datagram). A regular file (how http.ServeContent hands out a
// download, inside an io.LimitedReader) goes with sendfile(2): the kernel
// moves the page cache's pages into the socket without a copy through
// user space. Anything else, or a file sendfile(2) refuses, is copied.
func (c *socketConn) ReadFrom(r io.Reader) (int64, error) {
	if n, handled, err := sendFile(c.UnixConn, r); handled {
		return n, err
	}
	return copyInBlocks(c.UnixConn, r)
}

// sendFile sends r to c with sendfile(2) if r is a regular *os.File,
// possibly inside an *io.LimitedReader, from the file's offset on, and
// leaves the offset and the LimitedReader's N as a copy would. handled is
// false when r is something else, or when sendfile(2) refused the pair
// before sending a byte: the caller then copies.
func sendFile(c *net.UnixConn, r io.Reader) (written int64, handled bool, err error) {
	limit := int64(-1) // no limit
	lr, _ := r.(*io.LimitedReader)
	if lr != nil {
		if lr.N <= 0 {
			return 0, true, nil
		}
		limit, r = lr.N, lr.R
	}
	f, ok := r.(*os.File)
	if !ok {
		return 0, false, nil
	}
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		return 0, false, nil
	}
	src, err := f.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	dst, err := c.SyscallConn()
	if err != nil {
		return 0, false, nil
	}
	var serr error
	cerr := src.Control(func(fd uintptr) {
		written, serr = sendFD(dst, int(fd), limit)
	})
	if lr != nil {
		lr.N -= written
	}
	sentByFile.Add(written)
	if written == 0 && isUnsupported(serr) {
		return 0, false, nil
	}
	if serr == nil {
		serr = cerr
	}
	if serr != nil {
		serr = &net.OpError{Op: "sendfile", Net: "unix", Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: serr}
	}
	return written, true, serr
}

// sendFD sends the file src to dst from its offset on, limit bytes at
// most (all of it if limit is negative), waiting for the poller whenever
// the socket's buffer is full.
func sendFD(dst syscall.RawConn, src int, limit int64) (written int64, err error) {
	var serr error
	werr := dst.Write(func(fd uintptr) bool {
		for limit < 0 || written < limit {
			ask := int64(maxSendfile)
			if limit >= 0 {
				ask = min(ask, limit-written)
			}
			n, e := unix.Sendfile(int(fd), src, nil, int(ask))
			if n > 0 {
				written += int64(n)
			}
			switch {
			case e == unix.EINTR:
				continue
			case e == unix.EAGAIN:
				return false // wait until the socket takes more
			case e != nil:
				serr = e
				return true
			case n == 0:
				return true // end of the file
			}
		}
		return true
	})
	if serr == nil {
		serr = werr
	}
	return written, serr
}

// isUnsupported tells whether err is sendfile(2) refusing the pair of
// descriptors rather than failing part way.
func isUnsupported(err error) bool {
	return errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP)
}
