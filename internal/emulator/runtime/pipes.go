package runtime

import (
	"io"
	"os"
	"os/exec"
	"time"
)

// openPipes makes n pipes, each {read, write}; on failure none stays open.
func openPipes(n int) ([][2]*os.File, error) {
	pairs := make([][2]*os.File, n)
	for i := range pairs {
		r, w, err := os.Pipe()
		if err != nil {
			for _, p := range pairs[:i] {
				p[0].Close()
				p[1].Close()
			}
			return nil, err
		}
		pairs[i] = [2]*os.File{r, w}
	}
	return pairs, nil
}

// execPipes are one shell execution's pipes: standard input, output and
// error and, with a wrapper, its status channel (fd 3 in the child). The session keeps one end of each and the command gets the other.
type execPipes struct {
	stdin          *os.File // written with Request.Stdin
	stdout, stderr *os.File // drained into the result
	status         *os.File // the prelude's report; nil in cwd-only mode

	// child are the command's ends, closed once it has started.
	child []*os.File

	outDone, errDone, inDone chan struct{}
}

// openExecPipes makes the pipes and hands the child's ends to cmd; with a
// wrapper it adds the status channel and the wrapper's other descriptors.
func openExecPipes(cmd *exec.Cmd, w wrapper) (*execPipes, error) {
	n := 3
	if w != nil {
		n = 4
	}
	pairs, err := openPipes(n)
	if err != nil {
		return nil, err
	}
	p := &execPipes{stdin: pairs[0][1], stdout: pairs[1][0], stderr: pairs[2][0]}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pairs[0][0], pairs[1][1], pairs[2][1]
	p.child = []*os.File{pairs[0][0], pairs[1][1], pairs[2][1]}
	if w != nil {
		p.status = pairs[3][0]
		cmd.ExtraFiles = w.files(pairs[3][1])
		p.child = append(p.child, pairs[3][1])
	}
	return p, nil
}

// closeChildEnds closes the command's ends in this process.
func (p *execPipes) closeChildEnds() {
	for _, f := range p.child {
		f.Close()
	}
}

// closeOwnEnds closes the session's ends, for a command that never ran.
func (p *execPipes) closeOwnEnds() {
	p.stdin.Close()
	p.stdout.Close()
	p.stderr.Close()
	if p.status != nil {
		p.status.Close()
	}
}

// transfer writes stdin to the running command and drains its output into
// out and errOut, in the background until collect.
func (p *execPipes) transfer(stdin string, out, errOut *capBuffer) {
	p.outDone, p.errDone, p.inDone = make(chan struct{}), make(chan struct{}), make(chan struct{})
	go drainPipe(p.stdout, out, p.outDone)
	go drainPipe(p.stderr, errOut, p.errDone)
	go func() {
		defer close(p.inDone)
		// A command that does not read its input gets EPIPE; that is fine.
		_, _ = io.WriteString(p.stdin, stdin)
		p.stdin.Close()
	}()
}

// collect ends transfer once the command has exited, closes the session's
// ends and returns the prelude's status (zero in cwd-only mode).
func (p *execPipes) collect() nsStatus {
	// What is in the pipes is read at once; the deadlines only stop a
	// process that escaped the group from holding us.
	deadline := time.Now().Add(drainGrace)
	_ = p.stdout.SetReadDeadline(deadline)
	_ = p.stderr.SetReadDeadline(deadline)
	_ = p.stdin.SetWriteDeadline(time.Now())
	<-p.outDone
	<-p.errDone
	<-p.inDone
	p.stdout.Close()
	p.stderr.Close()
	if p.status == nil {
		return nsStatus{}
	}
	return readNSStatus(p.status)
}
