//go:build unix

package runtime

import (
	"fmt"
	"strings"
	"testing"
)

// TestPythonBareForkDoesNotAnswer: the child of os.fork() in a cell
// returns into the driver too; it must leave without touching the protocol,
// so every later cell gets its own value.
func TestPythonBareForkDoesNotAnswer(t *testing.T) {
	eachStart(t, func(t *testing.T, opts PythonOptions) {
		s, _ := newPySession(t, newPython(t, opts))
		py(t, s, "import os\npid = os.fork()\n'forked'")
		for i := range 5 {
			res := py(t, s, fmt.Sprintf("%d * 1000", i))
			if want := fmt.Sprint(i * 1000); res.Value.Repr != want {
				t.Fatalf("cell %d: value %q, want %q", i, res.Value.Repr, want)
			}
		}
	})
}

// TestPythonGarbageOnLowDescriptors: garbage written to every descriptor
// from 3 to 31 never becomes the answer of a cell: later cells answer
// their own value, or Kernel restarted.
func TestPythonGarbageOnLowDescriptors(t *testing.T) {
	eachStart(t, func(t *testing.T, opts PythonOptions) {
		s, _ := newPySession(t, newPython(t, opts))
		py(t, s, "x = 'before'")
		garbage := []string{
			`b'\x00\x00\x00\x10{"seq": 1, "ok": true}'`,
			`b'\x00\x00\x00\x40{"seq": 3, "status": "ok", "value": {"repr": "999"}, "duration_ns": 1}'`,
			`b'\xff\xff\xff\xff' * 8`,
			`b'garbage\n' * 100`,
		}
		for _, g := range garbage {
			code := "import os\nfor fd in range(3, 32):\n    try:\n        os.write(fd, " + g + ")\n    except OSError:\n        pass\n'written'"
			res := run(t, s, Request{Code: code})
			if res.Outcome != OutcomeSucceeded && res.Outcome != OutcomeKernelRestarted {
				t.Fatalf("writing garbage: %s %q", res.Outcome, res.Stderr)
			}
			for i := range 3 {
				res := run(t, s, Request{Code: fmt.Sprintf("%d + 7000", i)})
				switch {
				case res.Outcome == OutcomeKernelRestarted && strings.Contains(res.Stderr, MessageKernelRestarted):
				case res.Outcome == OutcomeSucceeded && res.Value.Repr == fmt.Sprint(i+7000):
				default:
					t.Fatalf("after garbage %s, cell %d: %s value %q stderr %q", g, i, res.Outcome, res.Value.Repr, res.Stderr)
				}
			}
		}
	})
}

// TestPythonForgedReplyRestartsTheKernel: a frame written to the real reply
// descriptor (found through /proc/self/fd) with a sequence number that is
// not the running request's is refused: the cell answers Kernel restarted
// and the next one runs in a fresh interpreter.
func TestPythonForgedReplyRestartsTheKernel(t *testing.T) {
	eachStart(t, func(t *testing.T, opts PythonOptions) {
		s, _ := newPySession(t, newPython(t, opts))
		py(t, s, "x = 1")
		code := strings.Join([]string{
			"import os, json, struct",
			"body = json.dumps({'seq': 1, 'status': 'ok', 'value': {'repr': '999'}, 'duration_ns': 1, 'stdout_marked': True, 'stderr_marked': True}).encode()",
			"for fd in map(int, os.listdir('/proc/self/fd')):",
			"    try:",
			"        if fd > 2 and os.readlink('/proc/self/fd/%d' % fd).startswith('pipe:'):",
			"            os.write(fd, struct.pack('>I', len(body)) + body)",
			"    except OSError:",
			"        pass",
			"import time; time.sleep(0.5)",
			"'own value'",
		}, "\n")
		res := run(t, s, Request{Code: code})
		if res.Value.Repr == "999" {
			t.Fatalf("the forged reply was taken: %+v", res)
		}
		if res.Outcome != OutcomeKernelRestarted || res.Stderr != MessageKernelRestarted {
			t.Fatalf("outcome %s stderr %q", res.Outcome, res.Stderr)
		}
		if res := py(t, s, "'x' in globals()"); res.Value.Repr != "False" {
			t.Fatalf("after the forged reply the interpreter should be fresh: %+v", res.Value)
		}
	})
}
