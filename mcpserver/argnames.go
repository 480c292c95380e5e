package mcpserver

import (
	"strings"

	"github.com/seed-f3fa2c9d/azsessions/agenttool"
)

// The ends of the toolkit's sentence for arguments it refuses, which lists
// the arguments the tool takes (agenttool's decodeArgs).
const (
	takesArguments   = "; it takes the arguments "
	takesNoArguments = "; it takes no arguments\n"
)

// withSessionArgNamed adds session to the arguments a refusal of tool's
// arguments says the tool takes: over MCP every tool takes it, and its
// schema says so. Told that reset_session "takes no arguments", a model
// that had sent a handle with a wrong field dropped the handle too, and
// reset this connection's sandbox instead.
func withSessionArgNamed(tool string, res agenttool.Result) agenttool.Result {
	if !res.IsError || res.Structured != nil ||
		!strings.HasPrefix(res.Text, "status: error\nerror: the arguments of "+tool+" are not valid: ") {
		return res
	}
	if head, ok := strings.CutSuffix(res.Text, takesNoArguments); ok {
		res.Text = head + "; it takes no arguments but " + sessionArg +
			" (a handle from new_session, or null for this connection's own sandbox)\n"
		return res
	}
	// The list ends the sentence, after the field name the model sent,
	// which may hold anything: the last occurrence is the toolkit's.
	if at := strings.LastIndex(res.Text, takesArguments); at >= 0 && strings.IndexByte(res.Text[at:], '\n') == len(res.Text[at:])-1 {
		res.Text = res.Text[:len(res.Text)-1] + ", " + sessionArg + "\n"
	}
	return res
}
