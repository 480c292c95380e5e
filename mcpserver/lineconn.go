package mcpserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// lineConn is the mcp.Connection of an IOTransport: one JSON-RPC message a
// line each way. A goroutine reads the lines, so that Close can end a Read
// waiting for input; it answers those that are not messages itself.
type lineConn struct {
	src   io.ReadCloser
	lines *lineReader
	log   *slog.Logger

	writeMu sync.Mutex // a Write is one whole line
	dst     io.WriteCloser

	incoming  chan readResult
	closed    chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// readResult is a message read, or the error that ended the reading.
type readResult struct {
	msg jsonrpc.Message
	err error
}

func newLineConn(src io.ReadCloser, dst io.WriteCloser, limit int, log *slog.Logger) *lineConn {
	c := &lineConn{
		src:      src,
		lines:    newLineReader(src, limit),
		log:      log,
		dst:      dst,
		incoming: make(chan readResult),
		closed:   make(chan struct{}),
	}
	go c.readLoop()
	return c
}

// readLoop hands each message to Read until the client's stream ends.
func (c *lineConn) readLoop() {
	for {
		line, size, err := c.lines.next()
		// A last line without a newline still counts, as for the SDK's
		// transport; a line a failed read cut is not the client's.
		if err == nil || err == io.EOF {
			if msg := c.take(line, size); msg != nil && !c.deliver(readResult{msg: msg}) {
				return
			}
		}
		if err != nil {
			c.deliver(readResult{err: err})
			return
		}
	}
}

// deliver waits for Read to take r; false if the connection closed first.
func (c *lineConn) deliver(r readResult) bool {
	select {
	case c.incoming <- r:
		return true
	case <-c.closed:
		return false
	}
}

// take returns the message a line holds, or answers the line and returns
// nil. Blank lines are skipped unanswered.
func (c *lineConn) take(line []byte, size int) jsonrpc.Message {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil
	}
	msg, refused, answer := judge(line, c.lines.tail, size > c.lines.limit, c.lines.limit)
	if msg != nil {
		return msg
	}
	// Never the line itself: it can hold code and file contents.
	c.log.Warn("refused an input line that is not a JSON-RPC message", "reason", refused, "bytes", size)
	if answer != nil {
		if err := c.writeLine(answer); err != nil {
			c.log.Warn("answering a refused input line failed", "error", err)
		}
	}
	return nil
}

// Read implements mcp.Connection.
func (c *lineConn) Read(ctx context.Context) (jsonrpc.Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case r := <-c.incoming:
		return r.msg, r.err
	case <-c.closed:
		return nil, io.EOF
	}
}

// Write implements mcp.Connection.
func (c *lineConn) Write(ctx context.Context, msg jsonrpc.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := jsonrpc.EncodeMessage(msg)
	if err != nil {
		return fmt.Errorf("mcpserver: encoding a message: %w", err)
	}
	return c.writeLine(append(data, '\n'))
}

// writeLine writes one whole line: the SDK writes from several goroutines,
// and refused lines are answered from the reading one.
func (c *lineConn) writeLine(b []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	_, err := c.dst.Write(b)
	return err
}

// Close implements mcp.Connection: it closes both streams, without waiting
// for a Write in progress, which a client that stopped reading would block
// for ever.
func (c *lineConn) Close() error {
	c.closeOnce.Do(func() {
		c.closeErr = errors.Join(c.src.Close(), c.dst.Close())
		close(c.closed)
	})
	return c.closeErr
}

// SessionID implements mcp.Connection: stdio has no session id.
func (c *lineConn) SessionID() string { return "" }
