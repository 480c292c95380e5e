package runtime

import (
	"bytes"
	"os"
	"sync"
	"time"
)

// drainGrace bounds how long output pipes are read after the process that
// owns them has exited. Output already in a pipe is read at once; the grace
// only matters when a process that escaped the group (setsid) keeps the pipe
// open, and then it keeps the emulator from waiting on it forever.
const drainGrace = time.Second

// stream reads one output pipe (stdout or stderr) of an interpreter for its
// whole life and splits it into executions. The driver ends each
// execution's output with a marker that only this interpreter knows, so the
// Go side can tell all of an execution's output has arrived, including what
// subprocesses wrote straight to the file descriptor, without a pipe per
// execution. Output that arrives while no execution is running (from
// background threads) is dropped, or lands in the next execution if it
// races with its start.
type stream struct {
	f      *os.File
	marker []byte

	mu   sync.Mutex
	sink *capBuffer    // the running execution's output, nil between executions
	done chan struct{} // closed when sink is complete (marker or end of pipe)
	eof  bool

	finished chan struct{} // closed when the reader goroutine returns
}

// newStream starts reading f. Until the first begin, output goes to a
// start-up buffer, which interp reports when the interpreter fails to start.
func newStream(f *os.File, marker []byte) (*stream, *capBuffer) {
	s := &stream{f: f, marker: marker, finished: make(chan struct{})}
	startup, _ := s.begin(defaultMaxOutput)
	go s.run()
	return s, startup
}

// begin starts collecting an execution's output, capped at max characters.
// The returned channel is closed when the output is complete; after that
// the buffer belongs to the caller.
func (s *stream) begin(max int) (*capBuffer, <-chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finishLocked()
	b, done := newCapBuffer(max), make(chan struct{})
	if s.eof {
		close(done)
	} else {
		s.sink, s.done = b, done
	}
	return b, done
}

// abandon stops collecting into b without waiting for the marker; used when
// the driver reports it could not write one.
func (s *stream) abandon(b *capBuffer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sink == b {
		s.finishLocked()
	}
}

func (s *stream) finishLocked() {
	if s.sink != nil {
		close(s.done)
		s.sink, s.done = nil, nil
	}
}

func (s *stream) write(p []byte) {
	if len(p) == 0 {
		return
	}
	s.mu.Lock()
	if s.sink != nil {
		_, _ = s.sink.Write(p)
	}
	s.mu.Unlock()
}

func (s *stream) run() {
	defer close(s.finished)
	buf := make([]byte, 32<<10)
	// pending holds bytes not yet handed on: the start of a marker split
	// across reads.
	var pending []byte
	for {
		n, err := s.f.Read(buf)
		pending = append(pending, buf[:n]...)
		for {
			i := bytes.Index(pending, s.marker)
			if i < 0 {
				break
			}
			s.write(pending[:i])
			s.mu.Lock()
			s.finishLocked()
			s.mu.Unlock()
			pending = pending[i+len(s.marker):]
		}
		if err != nil {
			s.write(pending)
			s.mu.Lock()
			s.eof = true
			s.finishLocked()
			s.mu.Unlock()
			return
		}
		keep := partialMarker(pending, s.marker)
		s.write(pending[:len(pending)-keep])
		pending = append(pending[:0], pending[len(pending)-keep:]...)
	}
}

// partialMarker returns the length of the longest end of p that is a
// proper start of marker, i.e. what must wait for the next read.
func partialMarker(p, marker []byte) int {
	for n := min(len(p), len(marker)-1); n > 0; n-- {
		if bytes.HasSuffix(p, marker[:n]) {
			return n
		}
	}
	return 0
}

// drainPipe copies f into b until the pipe ends; shell commands use it. The
// caller sets a read deadline on f once the command has exited.
func drainPipe(f *os.File, b *capBuffer, done chan<- struct{}) {
	defer close(done)
	buf := make([]byte, 32<<10)
	for {
		n, err := f.Read(buf)
		_, _ = b.Write(buf[:n])
		if err != nil {
			return
		}
	}
}
