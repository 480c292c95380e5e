package runtime

import "errors"

// ErrClosed is returned by Execute on a session that was closed (also when
// Close interrupts a running execution) and by NewSession on a closed
// factory.
var ErrClosed = errors.New("runtime: closed")
