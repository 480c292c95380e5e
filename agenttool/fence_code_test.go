package agenttool

import "testing"

// Code that writes Markdown holds a fenced block inside a string literal or
// a here-document: what is around the fence is code, not prose, and
// stripping it would run the string's contents instead of the code.
func TestStripFenceLeavesFencesInsideCode(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"fence in a Python string",
			"report = f\"\"\"# Results\n```\n{summary}\n```\n\"\"\"\nopen('/mnt/data/r.md', 'w').write(report)\n",
			"report = f\"\"\"# Results\n```\n{summary}\n```\n\"\"\"\nopen('/mnt/data/r.md', 'w').write(report)\n"},
		{"python fence in a string",
			"md = '''\n```python\nprint(1)\n```\n'''\nprint(md)",
			"md = '''\n```python\nprint(1)\n```\n'''\nprint(md)"},
		{"fence in a here-document",
			"cat > README.md <<'EOF'\n```bash\nmake\n```\nEOF\n",
			"cat > README.md <<'EOF'\n```bash\nmake\n```\nEOF\n"},
		{"fenced code that writes Markdown is still unwrapped",
			"```python\nmd = \"\"\"\n# T\n\"\"\"\n```",
			"md = \"\"\"\n# T\n\"\"\"\n"},
		{"prose mentioning a here-document is still prose",
			"This writes the file with `cat <<EOF`:\n```bash\ncat > a.txt <<EOF\nhi\nEOF\n```\nRun it once.",
			"cat > a.txt <<EOF\nhi\nEOF\n"},
		{"prose mentioning triple quotes is still prose",
			"I used a `\"\"\"` docstring:\n```python\ndef f():\n    \"\"\"Doc.\"\"\"\n```\n",
			"def f():\n    \"\"\"Doc.\"\"\"\n"},
		{"prose mentioning a shift is still prose",
			"Shift with `1 << 4`:\n```py\nprint(1 << 4)\n```",
			"print(1 << 4)\n"},
		{"prose with a quote is still prose",
			"Here's the fix:\n```python\nprint(1)\n```\nThat's all.",
			"print(1)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := stripFence(tc.in); got != tc.want {
				t.Errorf("stripFence(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
