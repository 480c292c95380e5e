package agenttool

// UnorderedCallsNote is the sentence [ForConcurrentCalls] adds to the run
// tool's description.
const UnorderedCallsNote = "Calls made together in one answer may run in any order: make a call that needs what another does (a file it writes, a variable it sets) in a later answer."

// ForConcurrentCalls returns defs with UnorderedCallsNote added to the run
// tool's description, for hosts whose framework runs the tool calls of one
// model answer concurrently (the Anthropic SDK's tool runner, Genkit, an
// eino ToolsNode by default). A session runs them one at a time, but in the
// order they reach it, not the order the model wrote them, so a model that
// sets a variable and prints it in two calls of one answer would see the
// print fail about half the time. The run tool is where order matters
// (runs read the files uploads write, and the state earlier runs left), so
// only its description grows.
func ForConcurrentCalls(defs []Definition) []Definition {
	out := make([]Definition, len(defs))
	for i, d := range defs {
		if d.Name == ToolRunPython || d.Name == ToolRunShell {
			d.Description += " " + UnorderedCallsNote
		}
		out[i] = d
	}
	return out
}
