package agenttool

import "testing"

func TestStripFence(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"python", "```python\nprint(1)\n```", "print(1)\n"},
		{"py", "```py\nx = 1\n```\n", "x = 1\n"},
		{"python3", "```python3\nimport os\n```", "import os\n"},
		{"bash", "```bash\nls -la\n```", "ls -la\n"},
		{"bare", "```\nprint(2)\n```", "print(2)\n"},
		{"prose before and after", "Here is the code:\n\n```python\nprint(3)\n```\nIt prints 3.", "print(3)\n"},
		{"CRLF", "```python\r\nprint(4)\r\n```\r\n", "print(4)\r\n"},
		{"info with attributes", "```python title=x.py\nprint(5)\n```", "print(5)\n"},
		{"longer fence", "````python\nprint(6)\n````", "print(6)\n"},
		{"unclosed at the start", "```python\nprint(7)\n", "print(7)\n"},
		{"no fence", "print(8)\n", "print(8)\n"},
		{"python_var untouched", "python_var = 1\nprint(python_var)", "python_var = 1\nprint(python_var)"},
		{"shopt untouched", "shopt -s globstar\necho **", "shopt -s globstar\necho **"},
		{"inline backticks untouched", "echo `date`\n", "echo `date`\n"},
		{"other language kept", "```json\n{}\n```", "```json\n{}\n```"},
		{"two blocks kept", "```python\na=1\n```\ntext\n```python\nb=2\n```", "```python\na=1\n```\ntext\n```python\nb=2\n```"},
		{"unclosed after prose kept", "look:\n```python\nprint(9)", "look:\n```python\nprint(9)"},
		{"deep indent is code", "    ```\nx\n    ```", "    ```\nx\n    ```"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := stripFence(tc.in); got != tc.want {
				t.Errorf("stripFence(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
